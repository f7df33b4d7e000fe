// The inpas-sbp provider's messages in Uzbek (Latin script, as src/i18n/uz.ts); same keys as messages.ru.ts.
import type { InpasMessageKey } from './messages.ts'

export const INPAS_UZ: Record<InpasMessageKey, string> = {
  'inpas.choose.title': 'To‘lov usulini tanlang',
  'inpas.choose.card': 'Karta bilan to‘lash',
  'inpas.choose.qr': 'SBP QR orqali to‘lash',
  'inpas.wait.qr': 'Xaridor pin-pad ekranidagi QR-kodni skanerlaydi',
  'inpas.wait.card': 'Kartani yaqinlashtiring, kiriting yoki o‘tkazing. QR-kod orqali to‘lash uchun pin-padda 1 ni bosing',
  'inpas.wait.switch': 'SBP QR-kodini ko‘rsatish uchun pin-padda 1 ni bosing',
  'inpas.wait.terminal': 'Pin-pad ekranidagi ko‘rsatmalarga amal qiling',
  'inpas.refund.tapCard': 'Xarid kunidan keyingi qaytarish: xaridorning bank kartasini pin-padga yaqinlashtiring',
  'inpas.result.approved': 'Ma’qullandi',
  'inpas.result.declined': 'Rad etildi: {text}',
  'inpas.result.aborted': 'Operatsiya to‘xtatildi',
  'inpas.result.noConnection': 'Bank bilan aloqa yo‘q',
  'inpas.result.unknown': 'Operatsiya natijasi noma’lum. Holat tekshirilmoqda — to‘lovni takrorlamang',
  'inpas.result.needsAttention': 'Operatsiya natijasini aniqlab bo‘lmadi. Pin-paddagi oxirgi chekni tekshiring yoki yakunlarni solishtiring',
  'inpas.result.notSent': 'So‘rov pin-padga yuborilmadi. Pul yechilmadi',
  'inpas.port.notGranted': 'Pin-pad tanlanmagan. Administrator uni sozlamalarda tanlashi kerak',
  'inpas.port.disconnected': 'Pin-pad uzilgan. USB kabelni tekshiring',
  'inpas.port.busy': 'Pin-pad boshqa operatsiya yoki boshqa oyna bilan band',
  'inpas.link.error': 'Pin-pad bilan aloqa xatosi: ma’lumotlar buzilgan',
  'inpas.link.refused': 'Pin-pad so‘rovni rad etdi. Bir necha soniyadan keyin takrorlang',
  'inpas.tid.mismatch': 'Terminal ID si {got} bo‘lgan pin-pad ulangan, sozlamalarda esa {want} ko‘rsatilgan',
  // PDK: § 6.5 «new operations blocked until fixed», said to the cashier and the admin.
  'inpas.tid.blocked':
    'Terminal ID si {got} bo‘lgan pin-pad ulangan, sozlamalarda esa {want}: operatsiyalar to‘xtatildi. Administrator: kerakli pin-padni ulang va «Aloqani tekshirish» tugmasini bosing yoki sozlamalarda {got} ID sini ko‘rsating',
  'inpas.qr.disabled': 'SBP QR orqali to‘lov sozlamalarda o‘chirilgan (qrSBP)',
  'inpas.refund.partialSameDay': 'Bank xarid kunida qisman qaytarishni qo‘llab-quvvatlamaydi. Qisman qaytarishni ertasi kuni yoki keyinroq bajaring',
  'inpas.refund.switched': 'Bank pin-padda to‘lov turini almashtirib o‘tkazilgan to‘lovni qaytarishni qo‘llab-quvvatlamaydi. Pulni naqd qaytaring',
  'inpas.refund.exceeds': 'Qaytarish summasi to‘lov qoldig‘idan katta: ko‘pi bilan {rest} qaytarish mumkin',
  'inpas.refund.notRefundable': 'Bu to‘lovni qaytarib bo‘lmaydi: u ma’qullanmagan',
  'inpas.amount.invalid': 'Noto‘g‘ri summa',
  'inpas.browser.unsupported': 'Bu brauzer ketma-ket portlar bilan ishlamaydi. Chrome yoki Edge dan foydalaning',
  'inpas.admin.hostRelay':
    'Pin-pad bank bilan kassa orqali bog‘lanishga sozlangan. Brauzer bunday ulanishni ocha olmaydi. Pin-padda o‘z aloqa kanalini (Ethernet, Wi-Fi yoki GPRS) sozlang yoki bankka murojaat qiling',
  'inpas.admin.codesUnconfirmed':
    'SBP operatsiya kodlari — INPAS kodlari emas, balki Paydesk qum qutisi kelishuvi. Haqiqiy pin-pad uchun bank hujjatlaridagi kodlarni kiriting yoki «to‘lov turini almashtirish» rejimini tanlang',
  'inpas.cfg.timeout': 'timeout — 30 dan 900 gacha butun soniyalar. Bank tavsiya qilganidan ikki baravar ko‘p qiymat kiriting',
  'inpas.cfg.currency': 'currencyCodeNumeric — ISO 4217 bo‘yicha uch xonali raqamli valyuta kodi (643 — Rossiya rubli)',
  'inpas.cfg.id': 'id — 8 belgidan iborat terminal ID si (raqamlar yoki lotin harflari)',
  // PDK: sbpExtraFields is settable.
  'inpas.cfg.extraFields':
    'sbpExtraFields — «;» bilan ajratilgan tag=value maydonlari: teg 0–255, har biri bir marta, 0, 4, 25, 26, 27 va sbpMethodTag emas; qiymat 64 belgigacha',
  'inpas.admin.choosePort': 'Portni tanlash',
  'inpas.admin.checkLink': 'Aloqani tekshirish',
  'inpas.admin.linkOk': 'Pin-pad aloqada, terminal ID si {tid}',
  'inpas.admin.linkFailed': 'Pin-pad aloqa tekshiruviga javob bermadi',
  'inpas.admin.portChosen': 'Pin-pad tanlandi (VID {vid}, PID {pid})',
  'inpas.admin.portNotChosen': 'Port tanlanmadi',
  'inpas.admin.sandbox':
    'sandbox transporti: pin-pad emulyatori brauzerda ishlaydi, portni tanlash shart emas. U kassa varag‘ida yashaydi: qayta yuklangandan keyin oldingi operatsiyalarni unutadi (ularni qaytarish o‘tmaydi, Z-hisobot farqlarni ko‘rsatadi). Haqiqiy pin-pad ularni o‘zi eslab qoladi',
  'inpas.status.approved': 'Pin-pad: № {ecrNo} operatsiya ma’qullangan, RRN {rrn}',
  'inpas.status.declined': 'Pin-pad: № {ecrNo} operatsiya o‘tkazilmagan: {text}',
  'inpas.status.notFound': 'Pin-padda № {ecrNo} operatsiya yo‘q: u o‘tkazilmagan',
  'inpas.status.unknown': 'Pin-pad № {ecrNo} operatsiya holatini bildirmadi. Pin-paddagi oxirgi chekni tekshiring',
  'inpas.status.noEcrNo': 'Operatsiya pin-padga yetib bormagan: so‘raladigan narsa yo‘q',
  'inpas.settle.noAnswer': 'Pin-pad jami summalarni solishtirishga javob bermadi. Kassadagi smena yopildi; solishtirishni pin-padda bajaring',
  'inpas.settle.refused': 'Pin-pad jami summalarni solishtirishni rad etdi: {text}',
}

export default INPAS_UZ
