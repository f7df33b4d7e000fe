// The inpas-sbp provider's messages in Russian (docs/protocols/inpas-sbp.md § 6.7, word for word; seed wording where
// § 6.7 marks it). Keys in messages.ts; the Uzbek and English texts sit beside this file, one language a file, so
// the page's first load carries only Russian.

export const INPAS_RU = {
  'inpas.choose.title': 'Выберите способ оплаты',
  'inpas.choose.card': 'Оплата картой',
  'inpas.choose.qr': 'Оплата QR СБП',
  'inpas.wait.qr': 'Покупатель сканирует QR-код на экране пин-пада',
  'inpas.wait.card': 'Приложите, вставьте или проведите карту. Для оплаты по QR-коду нажмите 1 на пин-паде',
  'inpas.wait.switch': 'Нажмите 1 на пин-паде, чтобы показать QR-код СБП',
  // PDK: the wait prompt of a card refund and of a same-day SBP refund (no key-1 switch in refunds, B5), and
  // the fallback for a terminal's own cashier text (op 52), which travels as the message's `server` text.
  'inpas.wait.terminal': 'Следуйте указаниям на экране пин-пада',
  'inpas.refund.tapCard': 'Возврат не в день покупки: приложите банковскую карту покупателя к пин-паду',
  'inpas.result.approved': 'Одобрено',
  'inpas.result.declined': 'Отказано: {text}',
  'inpas.result.aborted': 'Операция прервана',
  'inpas.result.noConnection': 'Нет соединения с банком',
  'inpas.result.unknown': 'Результат операции неизвестен. Проверяем статус — не проводите оплату повторно',
  'inpas.result.needsAttention': 'Не удалось узнать результат операции. Проверьте последний чек на пин-паде или выполните сверку итогов',
  // PDK: a money request that never reached the terminal (unplugged before the first byte, § 4.5).
  'inpas.result.notSent': 'Запрос не отправлен на пин-пад. Деньги не списаны',
  'inpas.port.notGranted': 'Пин-пад не выбран. Администратор должен выбрать его в настройках',
  'inpas.port.disconnected': 'Пин-пад отключён. Проверьте USB-кабель',
  'inpas.port.busy': 'Пин-пад занят другой операцией или другой вкладкой',
  'inpas.link.error': 'Ошибка связи с пин-падом: данные повреждены',
  'inpas.link.refused': 'Пин-пад отклонил запрос. Повторите через несколько секунд',
  'inpas.tid.mismatch': 'Подключён пин-пад с ID терминала {got}, а в настройках указан {want}',
  // PDK: § 6.5 «new operations blocked until fixed», said to the cashier and the admin.
  'inpas.tid.blocked':
    'Подключён пин-пад с ID терминала {got}, а в настройках указан {want}: операции остановлены. Администратор: подключите нужный пин-пад и нажмите «Проверить связь» или укажите в настройках ID {got}',
  'inpas.qr.disabled': 'Оплата QR СБП выключена в настройках (qrSBP)',
  'inpas.refund.partialSameDay': 'Банк не поддерживает частичный возврат в день покупки. Выполните частичный возврат на следующий день или позже',
  'inpas.refund.switched': 'Банк не поддерживает возврат оплаты, проведённой со сменой вида оплаты на пин-паде. Верните деньги наличными',
  'inpas.refund.exceeds': 'Сумма возврата больше остатка по оплате: можно вернуть не более {rest}',
  'inpas.refund.notRefundable': 'Эту оплату нельзя вернуть: она не одобрена',
  'inpas.amount.invalid': 'Неверная сумма',
  'inpas.browser.unsupported': 'Этот браузер не работает с последовательными портами. Используйте Chrome или Edge',
  'inpas.admin.hostRelay':
    'Пин-пад настроен на связь с банком через кассу. Браузер не может открыть такое соединение. Настройте на пин-паде собственный канал связи (Ethernet, Wi-Fi или GPRS) или обратитесь в банк',
  'inpas.admin.codesUnconfirmed':
    'Коды операций СБП — соглашение Paydesk для песочницы, а не коды INPAS. Для реального пин-пада введите коды из документации банка или выберите режим «смена вида оплаты»',
  'inpas.cfg.timeout': 'timeout — целое число секунд от 30 до 900. Укажите значение вдвое больше рекомендованного банком',
  'inpas.cfg.currency': 'currencyCodeNumeric — трёхзначный цифровой код валюты ISO 4217 (643 — российский рубль)',
  'inpas.cfg.id': 'id — ID терминала из 8 символов (цифры или латинские буквы)',
  // PDK: sbpExtraFields is settable.
  'inpas.cfg.extraFields':
    'sbpExtraFields — поля tag=value через «;»: тег 0–255, каждый один раз, кроме 0, 4, 25, 26, 27 и sbpMethodTag; значение до 64 символов',
  // PDK: the settings page's pin-pad block (port grant and the check-link admin action, § 4.1, § 6.6).
  'inpas.admin.choosePort': 'Выбрать порт',
  'inpas.admin.checkLink': 'Проверить связь',
  'inpas.admin.linkOk': 'Пин-пад на связи, ID терминала {tid}',
  'inpas.admin.linkFailed': 'Пин-пад не ответил на проверку связи',
  'inpas.admin.portChosen': 'Пин-пад выбран (VID {vid}, PID {pid})',
  'inpas.admin.portNotChosen': 'Порт не выбран',
  'inpas.admin.sandbox':
    'Транспорт sandbox: эмулятор пин-пада работает в браузере, порт выбирать не нужно. Он живёт во вкладке кассы: после перезагрузки забывает прежние операции (их возврат не пройдёт, Z-отчёт покажет расхождения). Настоящий пин-пад помнит их сам',
  // PDK: the cashier's «Проверить статус» in the journal (§ 7.51).
  'inpas.status.approved': 'Пин-пад: операция № {ecrNo} одобрена, RRN {rrn}',
  'inpas.status.declined': 'Пин-пад: операция № {ecrNo} не проведена: {text}',
  'inpas.status.notFound': 'Пин-пад не знает операцию № {ecrNo}: она не проводилась',
  'inpas.status.unknown': 'Пин-пад не сообщил статус операции № {ecrNo}. Проверьте последний чек на пин-паде',
  'inpas.status.noEcrNo': 'Операция не дошла до пин-пада: спрашивать нечего',
  // PDK: the day close's settlement (op 59).
  'inpas.settle.noAnswer': 'Пин-пад не ответил на сверку итогов. Смена в кассе закрыта; выполните сверку итогов на пин-паде',
  'inpas.settle.refused': 'Пин-пад отказал в сверке итогов: {text}',
} as const

export default INPAS_RU
