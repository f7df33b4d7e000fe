// The payme provider's messages in Russian, merged into the app's catalogue by folder
// (workers/providers/messages/ru.ts).
export default {
  'payme.scan': 'Отсканируйте QR-код из приложения Payme',
  'payme.qrExpired': 'Срок действия QR-кода истек (30 секунд). Попросите покупателя обновить QR-код',
  'payme.createFailed': 'Не удалось создать чек Payme. Повторите оплату',
  'payme.refundQueued': 'Возврат не завершен. Операция отмены поставлена в очередь',
  'payme.notConfigured': 'Не заданы код или ключ кассы Payme',
  'payme.error': 'Ошибка Payme (код {code})',
  'payme.timeout': 'Результат оплаты неизвестен: таймаут ожидания ответа от сервера',
  'payme.cancelled': 'Чек Payme отменен. Деньги не списаны',
  'payme.badQr': 'QR-код не распознан',
  'payme.frequencyTooLong': 'frequency ({frequency} мс) не может быть больше payDuration ({payDuration} мс)',
  'payme.badAccountTemplate': 'accountTemplate должен быть JSON-объектом, например {"order_id":"{operationId}"}',
  'payme.accountHint': 'Необязательно: поля account кассы в Payme; {operationId} — номер операции',
  'payme.itemNoCode': 'Строка {line} чека без кода ИКПУ (code): PaymeGO не принимает фискальные данные без него',
  'payme.itemNoVat': 'Строка {line} чека без ставки НДС (vatPercent): PaymeGO не принимает фискальные данные без неё',
}
