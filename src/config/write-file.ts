/**
 * Writing the files hactl makes (hactl.yml, the JSON Schema), with a failure
 * the user can act on: a path that is a directory, a parent that is a file, no
 * permission, a full or read-only disk are `UserError`s (`write-failed`) that
 * name the path and the reason, not a bug in hactl.
 *
 * A file is never left half-written: a replacement is written to a temporary
 * file next to it and renamed over it, and a new file that fails midway is
 * removed.
 */
import {randomBytes} from 'node:crypto'
import {chmod, mkdir, open, realpath, rename, stat, unlink, writeFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {UserError} from '../core/errors'

/** Errors that come from the file system the user pointed at, not from hactl. */
const USER_FS_ERRORS = new Set(['EACCES', 'EEXIST', 'EISDIR', 'ENOSPC', 'ENOTDIR', 'EPERM', 'EROFS'])

export interface WriteTextFileOptions {
  /**
   * Replace the file if it exists. Without it, an existing file fails with the
   * file system's own `EEXIST` error (not wrapped), for the caller to explain.
   * @default false
   */
  readonly overwrite?: boolean
  /** What the file is, for the error message, e.g. "hactl.yml". */
  readonly what: string
  /** A suggestion for writing it somewhere else, e.g. "Or pass --config <path> to write it elsewhere." */
  readonly elsewhere?: string
}

/** Writes `text` to `path` (absolute), creating missing parent directories. */
export async function writeTextFile(path: string, text: string, options: WriteTextFileOptions): Promise<void> {
  try {
    await mkdir(dirname(path), {recursive: true})
  } catch (error) {
    throw await writeFailed(path, error, options)
  }

  if (options.overwrite) await replaceFile(path, text, options)
  else await createFile(path, text, options)
}

/** Creates `path`, failing with EEXIST if it is there; never leaves a partial file. */
async function createFile(path: string, text: string, options: WriteTextFileOptions): Promise<void> {
  let handle
  try {
    // "wx" creates or fails in one step, so a file appearing meanwhile is never clobbered.
    handle = await open(path, 'wx')
  } catch (error) {
    const code = errnoCode(error)
    // A directory there is not "a file that exists" to the user.
    if (code === 'EEXIST' && !(await isDirectory(path))) throw error
    throw await writeFailed(path, error, options, code === 'EEXIST' ? 'EISDIR' : code)
  }

  try {
    await handle.writeFile(text, 'utf8')
    await handle.close()
  } catch (error) {
    await handle.close().catch(() => {})
    await unlink(path).catch(() => {})
    throw await writeFailed(path, error, options)
  }
}

/** Writes a temporary file beside `path` and renames it over `path`, so `path` is whole, old or new. */
async function replaceFile(path: string, text: string, options: WriteTextFileOptions): Promise<void> {
  // Through a symlink, as a plain write would; the rename then replaces its target.
  const target = await realpath(path).catch(() => path)
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await writeFile(temp, text, {encoding: 'utf8', flag: 'wx'})
    const mode = await existingFileMode(target)
    if (mode !== undefined) await chmod(temp, mode)
    await rename(temp, target)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw await writeFailed(path, error, options)
  }
}

async function existingFileMode(path: string): Promise<number | undefined> {
  try {
    const stats = await stat(path)
    return stats.isFile() ? stats.mode & 0o7777 : undefined
  } catch {
    return undefined
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

/**
 * A `write-failed` UserError for a file-system error the user can fix; any
 * other error is returned as it is (a bug, or something hactl cannot explain).
 */
async function writeFailed(path: string, error: unknown, options: WriteTextFileOptions, code = errnoCode(error)): Promise<unknown> {
  if (code === undefined || !USER_FS_ERRORS.has(code)) return error
  const reason = await describeFailure(path, code)
  return new UserError('write-failed', `Cannot write ${options.what} to ${path}: ${reason} (${code}).`, {
    cause: error,
    data: {code, path},
    suggestions: [suggestionFor(code), ...(options.elsewhere ? [options.elsewhere] : [])],
  })
}

async function describeFailure(path: string, code: string): Promise<string> {
  switch (code) {
    case 'EISDIR': {
      return 'it is a directory'
    }

    case 'EEXIST':
    case 'ENOTDIR': {
      const file = await fileInTheWay(path)
      return file ? `${file} is a file, not a directory` : 'a part of the path is not a directory'
    }

    case 'EACCES':
    case 'EPERM': {
      return 'permission denied'
    }

    case 'EROFS': {
      return 'the file system is read-only'
    }

    case 'ENOSPC': {
      return 'no space left on the device'
    }

    default: {
      return code
    }
  }
}

/** The nearest existing ancestor of `path` when it is not a directory: the file in the way of mkdir. */
async function fileInTheWay(path: string): Promise<string | undefined> {
  let dir = dirname(path)
  for (;;) {
    try {
      return (await stat(dir)).isDirectory() ? undefined : dir
    } catch {
      const parent = dirname(dir)
      if (parent === dir) return undefined
      dir = parent
    }
  }
}

function suggestionFor(code: string): string {
  switch (code) {
    case 'EISDIR': {
      return 'Give the path of a file, not a directory, e.g. <dir>/hactl.yml.'
    }

    case 'EEXIST':
    case 'ENOTDIR': {
      return 'Check the path: every part before the file name must be a directory.'
    }

    case 'EACCES':
    case 'EPERM': {
      return 'Check that you may write to that directory (and the file, if it exists).'
    }

    case 'EROFS': {
      return 'Write to a directory on a writable file system.'
    }

    default: {
      return 'Free some disk space and try again.'
    }
  }
}
