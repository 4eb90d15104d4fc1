import { crc32c } from '../protocol/crc32c';
import type { StoredGroup, StoredMember } from '../ports/group-store';
import type { GroupChange } from './stored-groups';

/** Bytes before each change: its length and the CRC-32C of its bytes. */
export const CHANGE_HEADER_BYTES = 8;
/** Larger than any change a request can cause (a request is at most socket.request.max.bytes, 100 MiB). */
const MAX_CHANGE_BYTES = 256 * 1024 * 1024;

type WireMember = Omit<StoredMember, 'subscription' | 'assignment'> & { subscription: string; assignment: string };
type WireGroup = Omit<StoredGroup, 'members'> & { members: WireMember[] };
type WireChange = Exclude<GroupChange, { kind: 'group' }> | { kind: 'group'; group: WireGroup };

function toWire(change: GroupChange): WireChange {
  if (change.kind !== 'group') return change;
  const members = change.group.members.map((m) => ({ ...m, subscription: m.subscription.toString('base64'), assignment: m.assignment.toString('base64') }));
  return { kind: 'group', group: { ...change.group, members } };
}

function fromWire(change: WireChange): GroupChange {
  if (change.kind !== 'group') return change;
  const members = change.group.members.map((m) => ({ ...m, subscription: Buffer.from(m.subscription, 'base64'), assignment: Buffer.from(m.assignment, 'base64') }));
  return { kind: 'group', group: { ...change.group, members } };
}

/** One change as stored: length, CRC-32C, then the change as JSON. */
export function encodeChange(change: GroupChange): Buffer {
  const body = Buffer.from(JSON.stringify(toWire(change)));
  const framed = Buffer.allocUnsafe(CHANGE_HEADER_BYTES + body.length);
  framed.writeUInt32BE(body.length, 0);
  framed.writeUInt32BE(crc32c(body), 4);
  body.copy(framed, CHANGE_HEADER_BYTES);
  return framed;
}

export interface DecodedChanges {
  changes: GroupChange[];
  /** Bytes of whole, checked changes from the start; anything after them is a torn or corrupt tail. */
  validBytes: number;
  /** Why reading stopped before the end, if it did. */
  stoppedBecause?: string;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isPartition = (p: unknown): boolean => typeof p === 'object' && p !== null && isString((p as { topic: unknown }).topic) && isInt((p as { partition: unknown }).partition);

function isOffset(o: unknown): boolean {
  if (!isPartition(o)) return false;
  const v = o as Record<string, unknown>;
  return isInt(v.offset) && isInt(v.leaderEpoch) && isString(v.metadata) && isInt(v.commitTimestamp) && (v.expireTimestamp === null || isInt(v.expireTimestamp));
}

function isMember(m: unknown): boolean {
  if (typeof m !== 'object' || m === null) return false;
  const v = m as Record<string, unknown>;
  return isString(v.memberId) && (v.groupInstanceId === null || isString(v.groupInstanceId)) && isString(v.clientId) && isString(v.clientHost)
    && isInt(v.rebalanceTimeoutMs) && isInt(v.sessionTimeoutMs) && isString(v.subscription) && isString(v.assignment);
}

/** A change of a known kind with every field the coordinator reads, of the right type. */
function isWellFormed(change: unknown): change is WireChange {
  if (typeof change !== 'object' || change === null) return false;
  const c = change as Record<string, unknown>;
  switch (c.kind) {
    case 'group': {
      const g = c.group as Record<string, unknown> | null;
      return typeof g === 'object' && g !== null && isString(g.groupId) && isString(g.protocolType) && (g.protocolName === null || isString(g.protocolName))
        && isInt(g.generationId) && (g.leaderId === null || isString(g.leaderId)) && isInt(g.stateTimestamp) && Array.isArray(g.members) && g.members.every(isMember);
    }
    case 'offsets':
      return isString(c.groupId) && Array.isArray(c.offsets) && c.offsets.every(isOffset);
    case 'delete-offsets':
      return isString(c.groupId) && Array.isArray(c.partitions) && c.partitions.every(isPartition);
    case 'delete-group':
      return isString(c.groupId);
    default:
      return false;
  }
}

/** Reads changes from the start of `data` until its end or the first one that is cut short or fails its check. */
export function decodeChanges(data: Buffer): DecodedChanges {
  const changes: GroupChange[] = [];
  let position = 0;
  while (position < data.length) {
    if (data.length - position < CHANGE_HEADER_BYTES) return { changes, validBytes: position, stoppedBecause: `a header cut short at byte ${position}` };
    const length = data.readUInt32BE(position);
    const end = position + CHANGE_HEADER_BYTES + length;
    if (length > MAX_CHANGE_BYTES || end > data.length) return { changes, validBytes: position, stoppedBecause: `a change of ${length} bytes cut short at byte ${position}` };
    const body = data.subarray(position + CHANGE_HEADER_BYTES, end);
    if (crc32c(body) !== data.readUInt32BE(position + 4)) return { changes, validBytes: position, stoppedBecause: `a CRC mismatch at byte ${position}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return { changes, validBytes: position, stoppedBecause: `unreadable JSON at byte ${position}: ${(error as Error).message}` };
    }
    if (!isWellFormed(parsed)) return { changes, validBytes: position, stoppedBecause: `a change that is not well formed at byte ${position}` };
    changes.push(fromWire(parsed));
    position = end;
  }
  return { changes, validBytes: position };
}
