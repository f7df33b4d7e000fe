// User-facing message keys of the inpas-sbp provider (docs/protocols/inpas-sbp.md § 6.7). The text, one language a file:
// messages.ru.ts (§ 6.7 word for word), messages.uz.ts, messages.en.ts; the app catalogues merge them through
// workers/providers/messages/. The provider only refers to the keys (`INPAS_MSG.resultApproved` …), never to the
// text. Keys marked PDK in messages.ru.ts are not in § 6.7: the client needed them.

import type { INPAS_RU } from './messages.ru.ts'

export type InpasMessageKey = keyof typeof INPAS_RU

/** The keys the client code refers to, so a typo is a type error. */
export const INPAS_MSG = {
  waitQr: 'inpas.wait.qr',
  waitCard: 'inpas.wait.card',
  waitSwitch: 'inpas.wait.switch',
  waitTerminal: 'inpas.wait.terminal',
  refundTapCard: 'inpas.refund.tapCard',
  resultApproved: 'inpas.result.approved',
  resultDeclined: 'inpas.result.declined',
  resultAborted: 'inpas.result.aborted',
  resultNoConnection: 'inpas.result.noConnection',
  resultUnknown: 'inpas.result.unknown',
  resultNeedsAttention: 'inpas.result.needsAttention',
  resultNotSent: 'inpas.result.notSent',
  portDisconnected: 'inpas.port.disconnected',
  linkError: 'inpas.link.error',
  linkRefused: 'inpas.link.refused',
  tidMismatch: 'inpas.tid.mismatch',
  tidBlocked: 'inpas.tid.blocked',
  qrDisabled: 'inpas.qr.disabled',
  refundPartialSameDay: 'inpas.refund.partialSameDay',
  refundSwitched: 'inpas.refund.switched',
  refundExceeds: 'inpas.refund.exceeds',
  refundNotRefundable: 'inpas.refund.notRefundable',
  amountInvalid: 'inpas.amount.invalid',
  adminHostRelay: 'inpas.admin.hostRelay',
  adminCodesUnconfirmed: 'inpas.admin.codesUnconfirmed',
  portNotGranted: 'inpas.port.notGranted',
  portBusy: 'inpas.port.busy',
  browserUnsupported: 'inpas.browser.unsupported',
  cfgTimeout: 'inpas.cfg.timeout',
  cfgCurrency: 'inpas.cfg.currency',
  cfgId: 'inpas.cfg.id',
  cfgExtraFields: 'inpas.cfg.extraFields',
  adminLinkOk: 'inpas.admin.linkOk',
  adminLinkFailed: 'inpas.admin.linkFailed',
} as const satisfies Record<string, InpasMessageKey>

/** «Проверить статус» keys: apart from INPAS_MSG, which the worker's first load carries (config.ts). */
export const INPAS_STATUS_MSG = {
  approved: 'inpas.status.approved',
  declined: 'inpas.status.declined',
  notFound: 'inpas.status.notFound',
  unknown: 'inpas.status.unknown',
  noEcrNo: 'inpas.status.noEcrNo',
} as const satisfies Record<string, InpasMessageKey>

/** Day close: the pin-pad's settlement (op 59). */
export const INPAS_SETTLE_MSG = {
  noAnswer: 'inpas.settle.noAnswer',
  refused: 'inpas.settle.refused',
} as const satisfies Record<string, InpasMessageKey>
