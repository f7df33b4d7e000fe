// The inpas-sbp client as one pure machine: the link layer (link.ts) and the operation machine (session.ts)
// wired together (docs/protocols/inpas-sbp.md § 6 "Layers"). `clientStep(state, event) → { state, effects }`
// routes link effects (`acked`, `heard`, `deliver`, `linkError`) into the session and session effects
// (`send`, `eot`, `resetLink`) into the link, depth-first, so every effect comes out in causal order (the ACK
// of a frame is written before anything the frame causes). What is left is for the runner: bytes to write,
// timers of both layers, and the session's journal/UI effects. Still no clock and no I/O.
import { linkStep, createLinkState, type LinkEvent, type LinkNote, type LinkState, type LinkTimer } from './link.ts'
import { transition, type SessionEffect, type SessionEvent, type SessionState, type SessionTimer } from './session.ts'

export interface ClientState {
  link: LinkState
  session: SessionState
}

export type ClientTimer = LinkTimer | SessionTimer

export type ClientEvent =
  | { type: 'bytes'; bytes: Uint8Array }
  | { type: 'timer'; name: ClientTimer }
  | { type: 'start' }
  | { type: 'committed' }
  | { type: 'cancel' }
  | { type: 'disconnected' }
  | { type: 'connected' }

/** Session effects the runner performs (the link-bound ones are consumed inside). */
export type ClientSessionEffect = Exclude<
  SessionEffect,
  { type: 'send' } | { type: 'eot' } | { type: 'resetLink' } | { type: 'setTimer' } | { type: 'cancelTimer' }
>

export type ClientEffect =
  | { type: 'write'; bytes: Uint8Array }
  | { type: 'setTimer'; name: ClientTimer; ms: number }
  | { type: 'cancelTimer'; name: ClientTimer }
  | { type: 'linkNote'; note: LinkNote }
  | ClientSessionEffect
  /** A message the session sent (for the log: fields as text, never raw field 70). */
  | { type: 'sent'; fields: ReadonlyArray<readonly [number, string]>; kind: 'money' | 'query' | 'reply' }

export function createClient(session: SessionState): ClientState {
  return { link: createLinkState(), session }
}

const isLinkTimer = (name: ClientTimer): name is LinkTimer => name.startsWith('link.')

export function clientStep(state: ClientState, event: ClientEvent): { state: ClientState; effects: ClientEffect[] } {
  const out: ClientEffect[] = []
  let link = state.link
  let session = state.session

  const toLink = (e: LinkEvent): void => {
    const r = linkStep(link, e)
    link = r.state
    for (const f of r.effects) {
      switch (f.type) {
        case 'write':
        case 'setTimer':
        case 'cancelTimer':
          out.push(f)
          break
        case 'note':
          out.push({ type: 'linkNote', note: f.note })
          break
        case 'acked':
          toSession({ type: 'acked' })
          break
        case 'heard':
          toSession({ type: 'heard' })
          break
        case 'deliver':
          toSession({ type: 'message', data: f.data, message: f.message })
          break
        case 'linkError':
          toSession({ type: 'linkError', reason: f.reason })
          break
      }
    }
  }

  const toSession = (e: SessionEvent): void => {
    const r = transition(session, e)
    session = r.state
    for (const f of r.effects) {
      switch (f.type) {
        case 'send':
          out.push({ type: 'sent', fields: f.fields, kind: f.kind })
          toLink({ type: 'send', data: f.data, kind: f.kind })
          break
        case 'eot':
          toLink({ type: 'eot' })
          break
        case 'resetLink':
          toLink({ type: 'reset' })
          break
        default:
          out.push(f)
      }
    }
  }

  switch (event.type) {
    case 'bytes':
      toLink(event)
      break
    case 'timer':
      if (isLinkTimer(event.name)) toLink({ type: 'timer', name: event.name })
      else toSession({ type: 'timer', name: event.name })
      break
    default:
      toSession(event)
  }
  return { state: { link, session }, effects: out }
}
