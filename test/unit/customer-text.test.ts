// What a customer reads is the customer's sentence; a staff text goes to staff.
import { expect, it } from 'vitest'
import { customerText } from '../../src/domain/customer-text.ts'

const fallback = { key: 'customer.unavailable' }

it('puts a code problem in the customer’s words, and keeps every other text for staff', () => {
  expect(customerText({ key: 'common.qrExpired' }, fallback)).toEqual({ text: { key: 'customer.newCode' } })
  expect(customerText({ key: 'clickpass.badQr', server: 'Error getting userMedia' }, fallback)).toEqual({ text: { key: 'customer.scanAgain' } })
  const token = { key: 'oplati.tokenExists', server: 'Токен уже существует или касса работает в режиме пароля' }
  expect(customerText(token, fallback)).toEqual({ text: fallback, forStaff: token })
  expect(customerText(undefined, fallback)).toEqual({ text: fallback })
})
