// The payme provider's messages in English, merged into the app's catalogue by folder
// (workers/providers/messages/en.ts).
export default {
  'payme.scan': 'Scan the QR code from the Payme app',
  'payme.qrExpired': 'The QR code has expired (30 seconds). Ask the customer to refresh it',
  'payme.createFailed': 'Could not create the Payme receipt. Try again',
  'payme.refundQueued': 'The refund did not complete. The cancel operation was queued',
  'payme.notConfigured': 'Payme cashbox id or key not set',
  'payme.error': 'Payme error (code {code})',
  'payme.timeout': 'Payment result unknown: timed out waiting for the server’s reply',
  'payme.cancelled': 'The Payme receipt was cancelled. No money moved',
  'payme.badQr': 'QR code not recognised',
  'payme.frequencyTooLong': 'frequency ({frequency} ms) cannot exceed payDuration ({payDuration} ms)',
  'payme.badAccountTemplate': 'accountTemplate must be a JSON object, e.g. {"order_id":"{operationId}"}',
  'payme.accountHint': 'Optional: the cashbox account fields at Payme; {operationId} is the operation id',
  'payme.itemNoCode': 'Receipt line {line} has no IKPU code (code): PaymeGO does not accept fiscal data without it',
  'payme.itemNoVat': 'Receipt line {line} has no VAT rate (vatPercent): PaymeGO does not accept fiscal data without it',
}
