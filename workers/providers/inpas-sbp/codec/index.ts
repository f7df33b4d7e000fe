// Public API of the inpas-sbp SA codec (docs/protocols/inpas-sbp.md § 2): CRCs, CP1251, TLV and the field
// dictionary, STX/SOH framing with the streaming decoder, SA messages, and the SBP functional link.
// Everything here is pure: no clock, no timers, no I/O.
export * from './crc.ts'
export * from './cp1251.ts'
export * from './tlv.ts'
export * from './frame.ts'
export * from './message.ts'
export * from './sbp-link.ts'
