// The clickpass provider's messages in Russian, merged into the app's catalogue by folder
// (workers/providers/messages/ru.ts).
export default {
  'clickpass.scan': 'Отсканируйте QR-код из приложения Click',
  'clickpass.modeFailed': 'Не удалось установить режим подтверждения. Оплата прервана',
  'clickpass.badQr': 'QR-код не распознан',
  'clickpass.unknownConfirm': 'Результат оплаты неизвестен. Платеж будет отменен автоматически',
  'clickpass.notConfirmed': 'Платёж не подтверждён и отменён Click. Деньги не списаны',
  'clickpass.notFound': 'Платёж не найден в Click. Деньги не списаны',
  'clickpass.auth': 'Ошибка авторизации Click. Проверьте настройки и время на устройстве',
  'clickpass.authHttp': 'Сервер Click отклонил запрос: HTTP {status}. Проверьте настройки и время на устройстве',
  'clickpass.cashboxCodeHint': 'Необязательно: код кассы, передаётся как cashbox_code',
}
