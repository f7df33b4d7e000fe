// The clickpass provider's messages in Uzbek, merged into the app's catalogue by folder
// (workers/providers/messages/uz.ts).
export default {
  'clickpass.scan': 'Click ilovasidagi QR-kodni skanerlang',
  'clickpass.modeFailed': 'Tasdiqlash rejimini o‘rnatib bo‘lmadi. To‘lov to‘xtatildi',
  'clickpass.badQr': 'QR-kod tanilmadi',
  'clickpass.unknownConfirm': 'To‘lov natijasi noma’lum. To‘lov avtomatik bekor qilinadi',
  'clickpass.notConfirmed': 'To‘lov tasdiqlanmadi va Click uni bekor qildi. Pul yechilmadi',
  'clickpass.notFound': 'Click’da bunday to‘lov yo‘q. Pul yechilmadi',
  'clickpass.auth': 'Click avtorizatsiya xatosi. Sozlamalarni va qurilma vaqtini tekshiring',
  'clickpass.authHttp': 'Click serveri so‘rovni rad etdi: HTTP {status}. Sozlamalarni va qurilma vaqtini tekshiring',
  'clickpass.cashboxCodeHint': 'Ixtiyoriy: kassa kodi, cashbox_code sifatida yuboriladi',
}
