import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { JweSealer } from '../../../adapters/security/jwe-sealer.ts'
import { generateSealingKey } from '../../../adapters/security/x25519-keys.ts'
import { startChain } from '../../../core/chain/start-chain.ts'
import { isSealed } from '../../../core/security/credential-sealer.ts'
import { sealingPublicPart } from '../../../core/security/sealing-keys.ts'
import { registrySealRecipients } from '../../../core/security/sealing-recipients.ts'
import { contractFromWire } from '../../../core/wire/contract-codec.ts'
import { FakeChainNetwork } from '../../support/fake-chain-network.ts'
import { aK8SliceFlavour, aPeer, aProvider } from '../../support/factories.ts'

const FLAVOUR = 'provider.local-k8slice-0001'
const GO_CONTRACT = JSON.parse(readFileSync(new URL('../../fixtures/wire/contract.json', import.meta.url), 'utf8')) as { contractID: string; peeringTargetCredentials: { kubeconfig: string } }
const CLEAR = GO_CONTRACT.peeringTargetCredentials.kubeconfig

describe('a chain whose last hop is a FLUIDOS Go provider', () => {
  it('seals the Go provider’s clear kubeconfig where it is bought, to the origin: relays and stores only ever see the JWE', async () => {
    const { network, start, origin } = await setup()

    const chain = await start()
    await network.runUntilIdle()

    const originContract = network.participants.get('consumer-node')!.store.contracts.get(`contract-${chain.chainId}-consumer-node`)!
    const sealed = originContract.peeringTargetCredentials.kubeconfig
    expect(isSealed(sealed)).toBe(true)
    expect(await origin.open(sealed, { audience: 'consumer-node', contractId: GO_CONTRACT.contractID })).toBe(CLEAR)
    expect(JSON.stringify(network.sent)).not.toContain(CLEAR)
    for (const [id, participant] of network.participants) {
      expect(JSON.stringify([...participant.store.contracts.values(), ...participant.hops.hops.values()]), id).not.toContain(CLEAR)
    }
  })

  async function setup() {
    const network = FakeChainNetwork.twoDomains()
    const buyingHop = network.participants.get('provider-supernode')!
    buyingHop.peers.peers.get('provider-node')!.protocol = 'fluidos-go'
    const originRing = { current: generateSealingKey('consumer-e1'), previous: [] }
    buyingHop.peers.peers.set('consumer-node', aPeer({ id: 'consumer-node', publicKeys: [sealingPublicPart(originRing.current)] }))
    buyingHop.deps.purchase = {
      ...buyingHop.deps.purchase,
      sealing: { sealer: new JweSealer('provider-supernode', { current: generateSealingKey('ps-e1'), previous: [] }), recipients: registrySealRecipients({ peers: buyingHop.peers }) },
    }
    network.goProvider = {
      reserve: async () => ({ transactionId: 'go-tx-9' }),
      purchase: async () => ({ contractId: GO_CONTRACT.contractID, contract: contractFromWire(GO_CONTRACT, network.clock.now()) }),
    }
    const flavour = aK8SliceFlavour({ owner: aProvider({ id: 'provider-node', domain: 'provider.local' }) })
    const consumer = network.participants.get('consumer-node')!
    await consumer.deps.candidates.put([
      { flavour, route: ['consumer-supernode', 'provider-supernode', 'provider-node'], seenAt: network.clock.now(), expiresAt: new Date(network.clock.now().getTime() + 300_000) },
    ])
    const start = () => startChain(consumer.deps, { flavourId: FLAVOUR, providerId: 'provider-node' })
    return { network, start, origin: new JweSealer('consumer-node', originRing) }
  }
})
