import { ConflictError } from '../shared/errors.ts'

/** The flavour's pool has too little free capacity for the hold: someone else holds or bought it. */
export class CapacityUnavailableError extends ConflictError {
  constructor(flavourId: string) {
    super(`Flavour ${flavourId} no longer has the requested capacity free`, { code: 'CAPACITY_UNAVAILABLE' })
  }
}

/** Another live transaction already exists for this (buyer, flavour); the caller re-reads it. */
export class ReservationKeyTakenError extends ConflictError {
  constructor(buyerId: string, flavourId: string) {
    super(`A reservation of ${flavourId} by ${buyerId} is being made concurrently`, { code: 'RESERVATION_IN_PROGRESS' })
  }
}

/** The flavour was replaced or withdrawn between read and write. */
export class FlavourGoneError extends ConflictError {
  constructor(flavourId: string) {
    super(`Flavour ${flavourId} was replaced or withdrawn`, { code: 'FLAVOUR_GONE' })
  }
}
