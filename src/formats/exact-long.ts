/** The widest Avro long sluice reads or writes as a JS number exactly (avsc-hardening.ts); past it a read fails. */
export const MAX_EXACT_LONG = 9007199254740990;
