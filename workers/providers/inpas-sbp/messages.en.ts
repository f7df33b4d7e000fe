// The inpas-sbp provider's messages in English (the § 6.7 gloss); same keys as messages.ru.ts.
import type { InpasMessageKey } from './messages.ts'

export const INPAS_EN: Record<InpasMessageKey, string> = {
  'inpas.choose.title': 'Choose the payment method',
  'inpas.choose.card': 'Pay by card',
  'inpas.choose.qr': 'Pay by SBP QR',
  'inpas.wait.qr': 'The customer scans the QR code on the pin-pad screen',
  'inpas.wait.card': 'Tap, insert or swipe the card. To pay by QR code press 1 on the pin-pad',
  'inpas.wait.switch': 'Press 1 on the pin-pad to show the SBP QR code',
  'inpas.wait.terminal': 'Follow the instructions on the pin-pad screen',
  'inpas.refund.tapCard': 'Refund after the day of purchase: tap the customer’s bank card on the pin-pad',
  'inpas.result.approved': 'Approved',
  'inpas.result.declined': 'Declined: {text}',
  'inpas.result.aborted': 'Operation aborted',
  'inpas.result.noConnection': 'No connection to the bank',
  'inpas.result.unknown': 'Outcome unknown. Checking the status — do not repeat the payment',
  'inpas.result.needsAttention': 'Could not learn the outcome. Check the pin-pad’s last slip or run the settlement',
  'inpas.result.notSent': 'The request was not sent to the pin-pad. No money moved',
  'inpas.port.notGranted': 'No pin-pad selected. An admin must select it in the settings',
  'inpas.port.disconnected': 'The pin-pad is disconnected. Check the USB cable',
  'inpas.port.busy': 'The pin-pad is busy with another operation or tab',
  'inpas.link.error': 'Pin-pad link error: corrupted data',
  'inpas.link.refused': 'The pin-pad refused the request. Retry in a few seconds',
  'inpas.tid.mismatch': 'The connected pin-pad has terminal ID {got}, the settings say {want}',
  // PDK: § 6.5 «new operations blocked until fixed», said to the cashier and the admin.
  'inpas.tid.blocked':
    'The connected pin-pad has terminal ID {got}, the settings say {want}: operations are stopped. Admin: connect the right pin-pad and press «Check connection», or set ID {got} in the settings',
  'inpas.qr.disabled': 'SBP QR payment is switched off in the settings (qrSBP)',
  'inpas.refund.partialSameDay': 'The bank does not support a partial refund on the day of purchase. Make it on the next day or later',
  'inpas.refund.switched': 'The bank cannot refund a payment made after switching the method on the pin-pad. Refund in cash',
  'inpas.refund.exceeds': 'The refund exceeds what is left of the payment: at most {rest}',
  'inpas.refund.notRefundable': 'This payment cannot be refunded: it was not approved',
  'inpas.amount.invalid': 'Invalid amount',
  'inpas.browser.unsupported': 'This browser cannot use serial ports. Use Chrome or Edge',
  'inpas.admin.hostRelay':
    'The pin-pad is set to reach the bank through the till. A browser cannot open that connection. Give the pin-pad its own link (Ethernet, Wi-Fi or GPRS) or contact the bank',
  'inpas.admin.codesUnconfirmed':
    'The SBP codes are Paydesk’s sandbox convention, not INPAS codes. For a real pin-pad enter the bank’s codes or choose the "switch" profile',
  'inpas.cfg.timeout': 'timeout: whole seconds, 30 to 900. Set twice the bank’s recommendation',
  'inpas.cfg.currency': 'currencyCodeNumeric: the 3-digit ISO 4217 code (643 = Russian rouble)',
  'inpas.cfg.id': 'id: the terminal ID, 8 characters (digits or Latin letters)',
  // PDK: sbpExtraFields is settable.
  'inpas.cfg.extraFields':
    'sbpExtraFields: tag=value fields separated by «;»: tag 0–255, each once, not 0, 4, 25, 26, 27 or sbpMethodTag; a value of up to 64 characters',
  'inpas.admin.choosePort': 'Choose the port',
  'inpas.admin.checkLink': 'Check the link',
  'inpas.admin.linkOk': 'The pin-pad answers, terminal ID {tid}',
  'inpas.admin.linkFailed': 'The pin-pad did not answer the link check',
  'inpas.admin.portChosen': 'Pin-pad selected (VID {vid}, PID {pid})',
  'inpas.admin.portNotChosen': 'No port was chosen',
  'inpas.admin.sandbox':
    "Transport sandbox: the pin-pad emulator runs in the browser, no port to choose. It lives in the till's tab: after a reload it forgets earlier operations (their refunds fail, the Z report shows mismatches). A real pin-pad keeps them itself",
  'inpas.status.approved': 'Pin-pad: operation No. {ecrNo} approved, RRN {rrn}',
  'inpas.status.declined': 'Pin-pad: operation No. {ecrNo} was not made: {text}',
  'inpas.status.notFound': 'The pin-pad has no operation No. {ecrNo}: it never ran',
  'inpas.status.unknown': 'The pin-pad did not report the status of operation No. {ecrNo}. Check the pin-pad’s last slip',
  'inpas.status.noEcrNo': 'The operation never reached the pin-pad: nothing to ask',
  'inpas.settle.noAnswer': 'The pin-pad did not answer the settlement. The till’s shift is closed; run the settlement on the pin-pad',
  'inpas.settle.refused': 'The pin-pad refused the settlement: {text}',
}

export default INPAS_EN
