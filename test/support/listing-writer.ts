import { createTableContext } from '../../adapters/dynamo/document-client.ts'
import { silentLogger } from '../../adapters/logging/json-logger.ts'
import { publishFlavour } from '../../core/flavours/publish-flavour.ts'
import { reserveRequestToWire } from '../../core/wire/reservation-codec.ts'
import { composeParticipant } from '../../functions/composition.ts'
import { createApp } from '../../functions/http/create-app.ts'
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.ts'
import { aBuyer, aK8SliceFlavour, aReserveRequest } from './factories.ts'
import { listingParticipantEnv } from './listing-participant.ts'

/**
 * Another process writing to a participant's table, as a second Lambda instance would:
 * `node --import tsx test/support/listing-writer.ts '<json>'`, printing the answer's JSON.
 */
export interface WriterOrder {
  endpoint: string
  tableName: string
  action: 'reserve' | 'purchase' | 'publish'
  flavourId: string
  cpu?: string
  transactionId?: string
}

const order = JSON.parse(process.argv[2] ?? '{}') as WriterOrder
const table = createTableContext({ tableName: order.tableName, endpoint: order.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
const participant = composeParticipant(listingParticipantEnv(order.tableName), { table, logger: silentLogger })
const app = createApp(participant.app)
const post = async (path: string, body: unknown) => {
  const res = await app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`)
  return res.json()
}

switch (order.action) {
  case 'publish':
    await publishFlavour(participant.app.provider.flavours, aK8SliceFlavour({ id: order.flavourId, cpu: order.cpu ?? '8' }))
    process.stdout.write('{}')
    break
  case 'reserve':
    process.stdout.write(JSON.stringify(await post('/api/v2/reservations', reserveRequestToWire(aReserveRequest({ flavourId: order.flavourId, buyer: aBuyer(), cpu: order.cpu ?? '2' })))))
    break
  case 'purchase':
    process.stdout.write(JSON.stringify(await post(`/api/v2/transactions/${order.transactionId}/purchase`, {})))
    break
}
