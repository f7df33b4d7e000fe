// User-facing message keys of the inpas-sbp provider (protocols/inpas-sbp.md § 6.7), with ru/uz/en text.
// Russian follows § 6.7 word for word (seed wording where § 6.7 marks it); English follows the § 6.7 gloss;
// Uzbek is Latin script, as `src/i18n/uz.ts`. These are merged into the app catalogues by their owner; the
// provider only refers to the keys (`INPAS_MSG.resultApproved` …), never to the text.
// Keys marked PDK below are not in § 6.7: the client needed them (see the comments).

export interface InpasText {
  ru: string
  uz: string
  en: string
}

export const INPAS_MESSAGES = {
  'inpas.choose.title': { ru: 'Выберите способ оплаты', uz: 'To‘lov usulini tanlang', en: 'Choose the payment method' },
  'inpas.choose.card': { ru: 'Оплата картой', uz: 'Karta bilan to‘lash', en: 'Pay by card' },
  'inpas.choose.qr': { ru: 'Оплата QR СБП', uz: 'SBP QR orqali to‘lash', en: 'Pay by SBP QR' },
  'inpas.wait.qr': {
    ru: 'Покупатель сканирует QR-код на экране пин-пада',
    uz: 'Xaridor pin-pad ekranidagi QR-kodni skanerlaydi',
    en: 'The customer scans the QR code on the pin-pad screen',
  },
  'inpas.wait.card': {
    ru: 'Приложите, вставьте или проведите карту. Для оплаты по QR-коду нажмите 1 на пин-паде',
    uz: 'Kartani yaqinlashtiring, kiriting yoki o‘tkazing. QR-kod orqali to‘lash uchun pin-padda 1 ni bosing',
    en: 'Tap, insert or swipe the card. To pay by QR code press 1 on the pin-pad',
  },
  'inpas.wait.switch': {
    ru: 'Нажмите 1 на пин-паде, чтобы показать QR-код СБП',
    uz: 'SBP QR-kodini ko‘rsatish uchun pin-padda 1 ni bosing',
    en: 'Press 1 on the pin-pad to show the SBP QR code',
  },
  // PDK: the wait prompt of a card refund and of a same-day SBP refund (no key-1 switch in refunds, B5), and
  // the fallback for a terminal's own cashier text (op 52), which travels as the message's `server` text.
  'inpas.wait.terminal': {
    ru: 'Следуйте указаниям на экране пин-пада',
    uz: 'Pin-pad ekranidagi ko‘rsatmalarga amal qiling',
    en: 'Follow the instructions on the pin-pad screen',
  },
  'inpas.refund.tapCard': {
    ru: 'Возврат не в день покупки: приложите банковскую карту покупателя к пин-паду',
    uz: 'Xarid kunidan keyingi qaytarish: xaridorning bank kartasini pin-padga yaqinlashtiring',
    en: 'Refund after the day of purchase: tap the customer’s bank card on the pin-pad',
  },
  'inpas.result.approved': { ru: 'Одобрено', uz: 'Ma’qullandi', en: 'Approved' },
  'inpas.result.declined': { ru: 'Отказано: {text}', uz: 'Rad etildi: {text}', en: 'Declined: {text}' },
  'inpas.result.aborted': { ru: 'Операция прервана', uz: 'Operatsiya to‘xtatildi', en: 'Operation aborted' },
  'inpas.result.noConnection': { ru: 'Нет соединения с банком', uz: 'Bank bilan aloqa yo‘q', en: 'No connection to the bank' },
  'inpas.result.unknown': {
    ru: 'Результат операции неизвестен. Проверяем статус — не проводите оплату повторно',
    uz: 'Operatsiya natijasi noma’lum. Holat tekshirilmoqda — to‘lovni takrorlamang',
    en: 'Outcome unknown. Checking the status — do not repeat the payment',
  },
  'inpas.result.needsAttention': {
    ru: 'Не удалось узнать результат операции. Проверьте последний чек на пин-паде или выполните сверку итогов',
    uz: 'Operatsiya natijasini aniqlab bo‘lmadi. Pin-paddagi oxirgi chekni tekshiring yoki yakunlarni solishtiring',
    en: 'Could not learn the outcome. Check the pin-pad’s last slip or run the settlement',
  },
  // PDK: a money request that never reached the terminal (unplugged before the first byte, § 4.5).
  'inpas.result.notSent': {
    ru: 'Запрос не отправлен на пин-пад. Деньги не списаны',
    uz: 'So‘rov pin-padga yuborilmadi. Pul yechilmadi',
    en: 'The request was not sent to the pin-pad. No money moved',
  },
  'inpas.port.notGranted': {
    ru: 'Пин-пад не выбран. Администратор должен выбрать его в настройках',
    uz: 'Pin-pad tanlanmagan. Administrator uni sozlamalarda tanlashi kerak',
    en: 'No pin-pad selected. An admin must select it in the settings',
  },
  'inpas.port.disconnected': {
    ru: 'Пин-пад отключён. Проверьте USB-кабель',
    uz: 'Pin-pad uzilgan. USB kabelni tekshiring',
    en: 'The pin-pad is disconnected. Check the USB cable',
  },
  'inpas.port.busy': {
    ru: 'Пин-пад занят другой операцией или другой вкладкой',
    uz: 'Pin-pad boshqa operatsiya yoki boshqa oyna bilan band',
    en: 'The pin-pad is busy with another operation or tab',
  },
  'inpas.link.error': {
    ru: 'Ошибка связи с пин-падом: данные повреждены',
    uz: 'Pin-pad bilan aloqa xatosi: ma’lumotlar buzilgan',
    en: 'Pin-pad link error: corrupted data',
  },
  'inpas.link.refused': {
    ru: 'Пин-пад отклонил запрос. Повторите через несколько секунд',
    uz: 'Pin-pad so‘rovni rad etdi. Bir necha soniyadan keyin takrorlang',
    en: 'The pin-pad refused the request. Retry in a few seconds',
  },
  'inpas.tid.mismatch': {
    ru: 'Подключён пин-пад с ID терминала {got}, а в настройках указан {want}',
    uz: 'Terminal ID si {got} bo‘lgan pin-pad ulangan, sozlamalarda esa {want} ko‘rsatilgan',
    en: 'The connected pin-pad has terminal ID {got}, the settings say {want}',
  },
  'inpas.qr.disabled': {
    ru: 'Оплата QR СБП выключена в настройках (qrSBP)',
    uz: 'SBP QR orqali to‘lov sozlamalarda o‘chirilgan (qrSBP)',
    en: 'SBP QR payment is switched off in the settings (qrSBP)',
  },
  'inpas.refund.partialSameDay': {
    ru: 'Банк не поддерживает частичный возврат в день покупки. Выполните частичный возврат на следующий день или позже',
    uz: 'Bank xarid kunida qisman qaytarishni qo‘llab-quvvatlamaydi. Qisman qaytarishni ertasi kuni yoki keyinroq bajaring',
    en: 'The bank does not support a partial refund on the day of purchase. Make it on the next day or later',
  },
  'inpas.refund.switched': {
    ru: 'Банк не поддерживает возврат оплаты, проведённой со сменой вида оплаты на пин-паде. Верните деньги наличными',
    uz: 'Bank pin-padda to‘lov turini almashtirib o‘tkazilgan to‘lovni qaytarishni qo‘llab-quvvatlamaydi. Pulni naqd qaytaring',
    en: 'The bank cannot refund a payment made after switching the method on the pin-pad. Refund in cash',
  },
  'inpas.refund.exceeds': {
    ru: 'Сумма возврата больше остатка по оплате: можно вернуть не более {rest}',
    uz: 'Qaytarish summasi to‘lov qoldig‘idan katta: ko‘pi bilan {rest} qaytarish mumkin',
    en: 'The refund exceeds what is left of the payment: at most {rest}',
  },
  'inpas.refund.notRefundable': {
    ru: 'Эту оплату нельзя вернуть: она не одобрена',
    uz: 'Bu to‘lovni qaytarib bo‘lmaydi: u ma’qullanmagan',
    en: 'This payment cannot be refunded: it was not approved',
  },
  'inpas.amount.invalid': { ru: 'Неверная сумма', uz: 'Noto‘g‘ri summa', en: 'Invalid amount' },
  'inpas.browser.unsupported': {
    ru: 'Этот браузер не работает с последовательными портами. Используйте Chrome или Edge',
    uz: 'Bu brauzer ketma-ket portlar bilan ishlamaydi. Chrome yoki Edge dan foydalaning',
    en: 'This browser cannot use serial ports. Use Chrome or Edge',
  },
  'inpas.admin.hostRelay': {
    ru: 'Пин-пад настроен на связь с банком через кассу. Браузер не может открыть такое соединение. Настройте на пин-паде собственный канал связи (Ethernet, Wi-Fi или GPRS) или обратитесь в банк',
    uz: 'Pin-pad bank bilan kassa orqali bog‘lanishga sozlangan. Brauzer bunday ulanishni ocha olmaydi. Pin-padda o‘z aloqa kanalini (Ethernet, Wi-Fi yoki GPRS) sozlang yoki bankka murojaat qiling',
    en: 'The pin-pad is set to reach the bank through the till. A browser cannot open that connection. Give the pin-pad its own link (Ethernet, Wi-Fi or GPRS) or contact the bank',
  },
  'inpas.admin.codesUnconfirmed': {
    ru: 'Коды операций СБП — соглашение Paydesk для песочницы, а не коды INPAS. Для реального пин-пада введите коды из документации банка или выберите режим «смена вида оплаты»',
    uz: 'SBP operatsiya kodlari — INPAS kodlari emas, balki Paydesk qum qutisi kelishuvi. Haqiqiy pin-pad uchun bank hujjatlaridagi kodlarni kiriting yoki «to‘lov turini almashtirish» rejimini tanlang',
    en: 'The SBP codes are Paydesk’s sandbox convention, not INPAS codes. For a real pin-pad enter the bank’s codes or choose the "switch" profile',
  },
  'inpas.cfg.timeout': {
    ru: 'timeout — целое число секунд от 30 до 900. Укажите значение вдвое больше рекомендованного банком',
    uz: 'timeout — 30 dan 900 gacha butun soniyalar. Bank tavsiya qilganidan ikki baravar ko‘p qiymat kiriting',
    en: 'timeout: whole seconds, 30 to 900. Set twice the bank’s recommendation',
  },
  'inpas.cfg.currency': {
    ru: 'currencyCodeNumeric — трёхзначный цифровой код валюты ISO 4217 (643 — российский рубль)',
    uz: 'currencyCodeNumeric — ISO 4217 bo‘yicha uch xonali raqamli valyuta kodi (643 — Rossiya rubli)',
    en: 'currencyCodeNumeric: the 3-digit ISO 4217 code (643 = Russian rouble)',
  },
  'inpas.cfg.id': {
    ru: 'id — ID терминала из 8 символов (цифры или латинские буквы)',
    uz: 'id — 8 belgidan iborat terminal ID si (raqamlar yoki lotin harflari)',
    en: 'id: the terminal ID, 8 characters (digits or Latin letters)',
  },
  // PDK: the settings page's pin-pad block (port grant and the check-link admin action, § 4.1, § 6.6).
  'inpas.admin.choosePort': { ru: 'Выбрать порт', uz: 'Portni tanlash', en: 'Choose the port' },
  'inpas.admin.checkLink': { ru: 'Проверить связь', uz: 'Aloqani tekshirish', en: 'Check the link' },
  'inpas.admin.linkOk': {
    ru: 'Пин-пад на связи, ID терминала {tid}',
    uz: 'Pin-pad aloqada, terminal ID si {tid}',
    en: 'The pin-pad answers, terminal ID {tid}',
  },
  'inpas.admin.linkFailed': {
    ru: 'Пин-пад не ответил на проверку связи',
    uz: 'Pin-pad aloqa tekshiruviga javob bermadi',
    en: 'The pin-pad did not answer the link check',
  },
  'inpas.admin.portChosen': {
    ru: 'Пин-пад выбран (VID {vid}, PID {pid})',
    uz: 'Pin-pad tanlandi (VID {vid}, PID {pid})',
    en: 'Pin-pad selected (VID {vid}, PID {pid})',
  },
  'inpas.admin.portNotChosen': { ru: 'Порт не выбран', uz: 'Port tanlanmadi', en: 'No port was chosen' },
  'inpas.admin.sandbox': {
    ru: 'Транспорт sandbox: эмулятор пин-пада работает в браузере, порт выбирать не нужно',
    uz: 'sandbox transporti: pin-pad emulyatori brauzerda ishlaydi, portni tanlash shart emas',
    en: 'Transport sandbox: the pin-pad emulator runs in the browser, no port to choose',
  },
  // PDK: the cashier's «Проверить статус» in the journal (§ 7.51).
  'inpas.status.approved': {
    ru: 'Пин-пад: операция № {ecrNo} одобрена, RRN {rrn}',
    uz: 'Pin-pad: № {ecrNo} operatsiya ma’qullangan, RRN {rrn}',
    en: 'Pin-pad: operation No. {ecrNo} approved, RRN {rrn}',
  },
  'inpas.status.declined': {
    ru: 'Пин-пад: операция № {ecrNo} не проведена: {text}',
    uz: 'Pin-pad: № {ecrNo} operatsiya o‘tkazilmagan: {text}',
    en: 'Pin-pad: operation No. {ecrNo} was not made: {text}',
  },
  'inpas.status.notFound': {
    ru: 'Пин-пад не знает операцию № {ecrNo}: она не проводилась',
    uz: 'Pin-padda № {ecrNo} operatsiya yo‘q: u o‘tkazilmagan',
    en: 'The pin-pad has no operation No. {ecrNo}: it never ran',
  },
  'inpas.status.unknown': {
    ru: 'Пин-пад не сообщил статус операции № {ecrNo}. Проверьте последний чек на пин-паде',
    uz: 'Pin-pad № {ecrNo} operatsiya holatini bildirmadi. Pin-paddagi oxirgi chekni tekshiring',
    en: 'The pin-pad did not report the status of operation No. {ecrNo}. Check the pin-pad’s last slip',
  },
  'inpas.status.noEcrNo': {
    ru: 'Операция не дошла до пин-пада: спрашивать нечего',
    uz: 'Operatsiya pin-padga yetib bormagan: so‘raladigan narsa yo‘q',
    en: 'The operation never reached the pin-pad: nothing to ask',
  },
} as const satisfies Record<`inpas.${string}`, InpasText>

export type InpasMessageKey = keyof typeof INPAS_MESSAGES

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
