import type { NewEvent } from '../store/events.js';

/** What applying a batch did: counts for the run record, events to append, per-object errors. */
export interface ChangeCounts {
  usersCreated: number;
  usersUpdated: number;
  usersDeactivated: number;
  usersReactivated: number;
  usersDeleted: number;
  /** Directory users the policy's scope keeps off the platform. */
  usersOutOfScope: number;
  groupsCreated: number;
  groupsUpdated: number;
  groupsDeleted: number;
  membershipsAdded: number;
  membershipsRemoved: number;
  credentialsIssued: number;
  credentialsRevoked: number;
  enrollmentEmailsQueued: number;
}

export interface ChangeError {
  objectId: string;
  field?: string;
  message: string;
}

/** The seat check of a batch: how many seats it would use and how many users it would import. */
export interface SeatCheck {
  seatLimit: number;
  seatsUsed: number;
  wouldImport: number;
  exceeded: boolean;
}

/** One planned (or made) change, as a dry run reports it per user and group. */
export interface PlannedChange {
  type: string;
  userId?: string;
  email?: string;
  groupId?: string;
  changed?: string[];
}

export class Outcome {
  readonly counts: ChangeCounts = {
    usersCreated: 0,
    usersUpdated: 0,
    usersDeactivated: 0,
    usersReactivated: 0,
    usersDeleted: 0,
    usersOutOfScope: 0,
    groupsCreated: 0,
    groupsUpdated: 0,
    groupsDeleted: 0,
    membershipsAdded: 0,
    membershipsRemoved: 0,
    credentialsIssued: 0,
    credentialsRevoked: 0,
    enrollmentEmailsQueued: 0,
  };
  readonly events: NewEvent[] = [];
  readonly errors: ChangeError[] = [];
  /** Set when the organization has a seat limit and the batch imports or reactivates users. */
  seatCheck: SeatCheck | undefined;
  /** Whether the batch was rolled back as a dry run. */
  dryRun = false;
  /** What a dry run could not foresee (see graphPreviewNotes). */
  notes: string[] = [];

  emit(type: string, data: Record<string, unknown>, count?: keyof ChangeCounts): void {
    this.events.push({ type, data });
    if (count !== undefined) this.counts[count] += 1;
  }

  count(key: keyof ChangeCounts, by = 1): void {
    this.counts[key] += by;
  }

  /** Adds another outcome's counts, events and errors (a batch applied in parts). */
  merge(from: Outcome): void {
    for (const key of Object.keys(this.counts) as (keyof ChangeCounts)[])
      this.counts[key] += from.counts[key];
    this.events.push(...from.events);
    this.errors.push(...from.errors);
    if (from.seatCheck !== undefined) this.seatCheck = from.seatCheck;
  }

  /** The changes per user and group, in order: what a dry run would do. */
  planned(): PlannedChange[] {
    return this.events.map((event) => plannedChange(event));
  }
}

function plannedChange(event: NewEvent): PlannedChange {
  const data = event.data as {
    user?: { id?: string; email?: string };
    group?: { id?: string };
    credential?: { userId?: string };
    userId?: string;
    groupId?: string;
    changed?: string[];
  };
  const userId = data.user?.id ?? data.userId ?? data.credential?.userId;
  const groupId = data.group?.id ?? data.groupId;
  return {
    type: event.type,
    ...(userId === undefined ? {} : { userId }),
    ...(data.user?.email === undefined ? {} : { email: data.user.email }),
    ...(groupId === undefined ? {} : { groupId }),
    ...(data.changed === undefined ? {} : { changed: data.changed }),
  };
}
