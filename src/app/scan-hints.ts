// What the cashier screen says under "scan" for each provider: kept apart from the settings
// schemas, which only the (lazily loaded) Settings page needs.
export const SCAN_HINTS: Record<string, string> = {
  clickpass: 'clickpass.scan',
  payme: 'payme.scan',
  oplati: 'oplati.scanCustomer',
  sendy: 'sendy.scan',
  'inpas-sbp': 'inpas.choose.title',
}
