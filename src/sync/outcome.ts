import type { NewEvent } from '../store/events.js';

/** What applying a batch did: counts for the run record, events to append, per-object errors. */
export interface ChangeCounts {
  usersCreated: number;
  usersUpdated: number;
  usersDeactivated: number;
  usersReactivated: number;
  usersDeleted: number;
  groupsCreated: number;
  groupsUpdated: number;
  groupsDeleted: number;
  membershipsAdded: number;
  membershipsRemoved: number;
}

export interface ChangeError {
  objectId: string;
  field?: string;
  message: string;
}

export class Outcome {
  readonly counts: ChangeCounts = {
    usersCreated: 0,
    usersUpdated: 0,
    usersDeactivated: 0,
    usersReactivated: 0,
    usersDeleted: 0,
    groupsCreated: 0,
    groupsUpdated: 0,
    groupsDeleted: 0,
    membershipsAdded: 0,
    membershipsRemoved: 0,
  };
  readonly events: NewEvent[] = [];
  readonly errors: ChangeError[] = [];

  emit(type: string, data: Record<string, unknown>, count?: keyof ChangeCounts): void {
    this.events.push({ type, data });
    if (count !== undefined) this.counts[count] += 1;
  }
}
