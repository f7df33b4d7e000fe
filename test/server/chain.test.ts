// A chain (docs/store.md § Chain): the suite's cluster is a store publishing operation and shift with
// publish = 'insert, update'; a second cluster is the chain's database. A batch replicates, the publisher
// crashes and restarts mid-way, the store trims old rows, and the chain ends with every row at its last rev.
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { clusterControl, startCluster, type PgCluster } from '../../scripts/postgres-cluster.ts'
import { runChain } from '../../scripts/store-chain.ts'

describe.skipIf(!inject('pg'))('chain by logical replication', () => {
  let central: PgCluster | undefined
  afterAll(() => central?.destroy())

  it('replicates a batch, survives a publisher restart, and keeps rows the store trimmed', async () => {
    const store = inject('pg')!
    central = await startCluster()
    const db = `chain_store_${Date.now()}`
    const admin = new pg.Client(store.url)
    await admin.connect()
    await admin.query(`CREATE DATABASE ${db}`)
    await admin.end()
    const control = clusterControl(store.dataDir)
    const lines: string[] = []
    const result = await runChain(store.url.replace(/\/postgres$/, `/${db}`), `host=127.0.0.1 port=${store.port} dbname=${db} user=postgres`, central.url, {
      say: (l) => lines.push(l),
      restartPublisher: () => {
        control.stop('immediate')
        control.start()
      },
    })
    expect(result.chain).toEqual(result.want)
    expect(result.want).toEqual({ n: 700, revs: 2100 })
    expect(result.trimmed).toBe(50)
    expect(result.store.n).toBe(650)
    expect(result.inMonthPartition).toBe(700)
    expect(lines.join('\n')).toMatch(/publisher crashes/)
  })
})
