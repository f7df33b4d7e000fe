// The payme provider's messages in Uzbek, merged into the app's catalogue by folder
// (workers/providers/messages/uz.ts).
export default {
  'payme.scan': 'Payme ilovasidagi QR-kodni skanerlang',
  'payme.qrExpired': 'QR-kodning amal qilish muddati tugadi (30 soniya). Xaridordan QR-kodni yangilashni so‘rang',
  'payme.createFailed': 'Payme chekini yaratib bo‘lmadi. To‘lovni takrorlang',
  'payme.refundQueued': 'Qaytarish yakunlanmadi. Bekor qilish operatsiyasi navbatga qo‘yildi',
  'payme.notConfigured': 'Payme kassa kodi yoki kaliti kiritilmagan',
  'payme.error': 'Payme xatosi (kod {code})',
  'payme.timeout': 'To‘lov natijasi noma’lum: serverdan javob kutish vaqti tugadi',
  'payme.cancelled': 'Payme cheki bekor qilindi. Pul yechilmadi',
  'payme.badQr': 'QR-kod tanilmadi',
  'payme.frequencyTooLong': 'frequency ({frequency} ms) payDuration ({payDuration} ms) dan katta bo‘lishi mumkin emas',
  'payme.badAccountTemplate': 'accountTemplate JSON-obyekt bo‘lishi kerak, masalan {"order_id":"{operationId}"}',
  'payme.accountHint': 'Ixtiyoriy: Payme’dagi kassaning account maydonlari; {operationId} — operatsiya raqami',
  'payme.itemNoCode': 'Chekning {line}-qatorida MXIK kodi (code) yo‘q: PaymeGO fiskal ma’lumotlarni usiz qabul qilmaydi',
  'payme.itemNoVat': 'Chekning {line}-qatorida QQS stavkasi (vatPercent) yo‘q: PaymeGO fiskal ma’lumotlarni usiz qabul qilmaydi',
}
