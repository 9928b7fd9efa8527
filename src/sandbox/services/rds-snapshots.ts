import type {Filter} from '@aws-sdk/client-rds'

import type {SimError} from '../errors'
import type {OperationContext} from '../types'
import {byId, checkIdentifier, errors, idFromIdOrArn, matchesFilters, type ArnKind} from './rds-model'

/*
 * What DB snapshots and DB cluster snapshots share: both are final snapshots
 * taken by a delete, checked, shown and looked up the same way.
 */

/** `creating` until the deletion that takes it finishes, then `available`; the progress in between. */
export function snapshotProgress(snapshot: {readonly createdAt: number; readonly readyAt: number}, now: number): {Status: string; PercentProgress: number} {
  const ready = now >= snapshot.readyAt
  return {
    Status: ready ? 'available' : 'creating',
    PercentProgress: ready ? 100 : Math.floor((100 * (now - snapshot.createdAt)) / (snapshot.readyAt - snapshot.createdAt)),
  }
}

/** How a delete words its refusals, where instances and clusters differ. */
export interface FinalSnapshotRules {
  /** The resource is not `available` (it is `status`): no final snapshot can be taken. */
  readonly notAvailable: (status: string) => SimError
  /** The snapshots of this kind there are, whose identifiers are taken. */
  readonly existing: ReadonlyArray<{readonly id: string}>
  readonly exists: (snapshotId: string) => SimError
}

/**
 * The final snapshot a delete asks for: FinalDBSnapshotIdentifier or
 * SkipFinalSnapshot, not both; a valid, unused identifier; and the resource
 * must be `available` for one to be taken. Undefined when skipped.
 */
export function checkFinalSnapshotId(
  input: {readonly FinalDBSnapshotIdentifier?: string; readonly SkipFinalSnapshot?: boolean},
  status: string,
  rules: FinalSnapshotRules,
): string | undefined {
  const finalId = input.FinalDBSnapshotIdentifier
  if (input.SkipFinalSnapshot === true) {
    if (finalId !== undefined) throw errors.combination('FinalDBSnapshotIdentifier can not be specified if SkipFinalSnapshot is enabled.')
    return undefined
  }

  if (finalId === undefined) throw errors.combination('FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.')
  const snapshotId = checkIdentifier(finalId, 'FinalDBSnapshotIdentifier', 255)
  if (status !== 'available') throw rules.notAvailable(status)
  if (rules.existing.some((snapshot) => snapshot.id === snapshotId)) throw rules.exists(snapshotId)
  return snapshotId
}

/** A kind of snapshot, for DescribeDBSnapshots / DescribeDBClusterSnapshots. */
export interface SnapshotLookup<T> {
  readonly kind: ArnKind
  /** The kind of what it is a snapshot of (`db`, `cluster`) and its identifier. */
  readonly ownerKind: ArnKind
  readonly ownerOf: (snapshot: T) => string
  readonly notFound: (id: string) => SimError
  /** The filters the call takes, by name. */
  readonly filters: (context: OperationContext) => Readonly<Record<string, (snapshot: T) => string[]>>
}

/**
 * The snapshots a Describe call asks for, by identifier: by its own (an
 * unknown one is an error), by what it is a snapshot of, by type (all are
 * manual; other types have none here) and by filters.
 */
export function chooseSnapshots<T extends {readonly id: string}>(
  all: readonly T[],
  query: {readonly snapshotId?: string; readonly ownerId?: string; readonly snapshotType?: string; readonly filters?: readonly Filter[]},
  lookup: SnapshotLookup<T>,
  context: OperationContext,
): T[] {
  let chosen = [...all].sort(byId)
  if (query.snapshotId !== undefined) {
    const id = idFromIdOrArn(query.snapshotId, lookup.kind, context)
    chosen = chosen.filter((snapshot) => snapshot.id === id)
    if (chosen.length === 0) throw lookup.notFound(query.snapshotId)
  }

  if (query.ownerId !== undefined) {
    const ownerId = idFromIdOrArn(query.ownerId, lookup.ownerKind, context)
    chosen = chosen.filter((snapshot) => lookup.ownerOf(snapshot) === ownerId)
  }

  if (query.snapshotType !== undefined && query.snapshotType !== 'manual') chosen = []
  const fields = lookup.filters(context)
  return chosen.filter((snapshot) => matchesFilters(snapshot, query.filters, fields))
}
