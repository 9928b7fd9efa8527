/**
 * Real servers (nginx, php -S, php-fpm) on loopback ports for the tests that
 * run the bundle's files for real. Readiness is read from what the server
 * prints, never waited for with a timer.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {request} from 'node:http'
import {createServer} from 'node:net'

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Starts `command` and resolves once its stderr contains `ready`; rejects if it exits first. */
export function startServer(command: string, args: readonly string[], ready: string, env: NodeJS.ProcessEnv = process.env): Promise<ChildProcess> {
  const server = spawn(command, args, {env})
  return new Promise((resolve, reject) => {
    let said = ''
    server.stderr!.on('data', (chunk: Buffer) => {
      said += chunk.toString()
      if (said.includes(ready)) resolve(server)
    })
    server.on('error', reject)
    server.on('exit', (code) => reject(new Error(`${command} exited with ${code}: ${said}`)))
  })
}

/** GET on loopback: status and body. */
export function get(port: number, path: string): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', path, port}, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({body, status: res.statusCode ?? 0}))
    })
    req.on('error', reject)
    req.end()
  })
}

