import type { Logger } from '../shared/ports.ts'
import type { CredentialSealer, SealRecipient } from '../security/credential-sealer.ts'
import { isSealed, sealedAudience } from '../security/credential-sealer.ts'
import type { SealRecipients } from '../security/sealing-recipients.ts'
import type { Contract } from './model.ts'

/** What a participant seals credentials with, and how it finds a recipient's sealing keys. */
export interface CredentialSealing {
  sealer: CredentialSealer
  recipients: SealRecipients
}

const withKubeconfig = (contract: Contract, kubeconfig: string): Contract => ({
  ...contract,
  peeringTargetCredentials: { ...contract.peeringTargetCredentials, kubeconfig },
})

/** Who a contract's credential is kept sealed to: the signed buyer when it has a sealing key, else this provider itself. */
async function keeperOf(sealing: CredentialSealing, buyer: string | undefined): Promise<SealRecipient> {
  const recipient = buyer === undefined ? undefined : await sealing.recipients(buyer)
  return recipient?.keys.length ? recipient : sealing.sealer.self
}

/**
 * The contract as the provider stores it: its peering kubeconfig sealed (bound to the contract id) to
 * the signed buyer's key when known, else to the provider's own key. Without sealing keys, as it is.
 */
export async function sealedForStorage(sealing: CredentialSealing | undefined, contract: Contract, buyer: string | undefined): Promise<Contract> {
  const kubeconfig = contract.peeringTargetCredentials.kubeconfig
  if (!sealing || !kubeconfig || isSealed(kubeconfig)) return contract
  const recipient = await keeperOf(sealing, buyer)
  return withKubeconfig(contract, await sealing.sealer.seal(kubeconfig, recipient, { audience: recipient.id, contractId: contract.id }))
}

/**
 * The contract as its buyer gets it in the purchase answer, in the wire's field: a JWE it can open when
 * the signed buyer has a sealing key (the stored one, or re-sealed to it from the provider's own), the
 * clear kubeconfig otherwise (a FLUIDOS Go buyer cannot open a JWE; `CREDENTIAL_SENT_CLEAR` is logged).
 */
export async function contractForBuyer(sealing: CredentialSealing | undefined, contract: Contract, buyer: string | undefined, logger: Logger): Promise<Contract> {
  const kubeconfig = contract.peeringTargetCredentials.kubeconfig
  if (!sealing || !kubeconfig || !isSealed(kubeconfig)) return contract
  const self = sealing.sealer.self.id
  const audience = sealedAudience(kubeconfig)
  const recipient = buyer === undefined ? undefined : await sealing.recipients(buyer)
  if (recipient?.keys.length) {
    if (audience !== self) return contract
    const clear = await sealing.sealer.open(kubeconfig, { audience: self, contractId: contract.id })
    return withKubeconfig(contract, await sealing.sealer.seal(clear, recipient, { audience: recipient.id, contractId: contract.id }))
  }
  if (audience !== self) return contract
  logger.info('CREDENTIAL_SENT_CLEAR', { contractId: contract.id, buyerId: contract.buyer.id, reason: buyer === undefined ? 'unsigned buyer' : 'the buyer has no sealing key' })
  return withKubeconfig(contract, await sealing.sealer.open(kubeconfig, { audience: self, contractId: contract.id }))
}

/** A contract for operators' eyes: its credential left out (`sealed` or `none` says whether there is one). */
export function withoutCredential(contract: Contract): { contract: Contract; credential: 'sealed' | 'clear' | 'none' } {
  const kubeconfig = contract.peeringTargetCredentials.kubeconfig
  return { contract: withKubeconfig(contract, ''), credential: !kubeconfig ? 'none' : isSealed(kubeconfig) ? 'sealed' : 'clear' }
}
