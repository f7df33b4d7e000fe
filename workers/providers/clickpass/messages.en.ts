// The clickpass provider's messages in English, merged into the app's catalogue by folder
// (workers/providers/messages/en.ts).
export default {
  'clickpass.scan': 'Scan the QR code from the Click app',
  'clickpass.modeFailed': 'Could not set the confirmation mode. Payment aborted',
  'clickpass.badQr': 'QR code not recognised',
  'clickpass.unknownConfirm': 'Payment result unknown. The payment will be cancelled automatically',
  'clickpass.notConfirmed': 'The payment was not confirmed and Click cancelled it. No money moved',
  'clickpass.notFound': 'Click has no such payment. No money moved',
  'clickpass.auth': 'Click authorisation failed. Check the settings and the device clock',
  'clickpass.authHttp': 'The Click server refused the request: HTTP {status}. Check the settings and the device clock',
  'clickpass.cashboxCodeHint': 'Optional: the till code, sent as cashbox_code',
}
