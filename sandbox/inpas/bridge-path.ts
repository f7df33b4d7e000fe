// Where the sandbox serves the pin-pad bridge's WebSocket (ws-bridge.ts); the page side (ws-serial.ts) connects here.
export const PINPAD_BRIDGE_PATH = '/sandbox/inpas/serial'
