import { Hono } from 'hono'
import { NotFoundError } from '../../core/shared/errors.ts'
import type { PeerProbe, PeerRepository } from '../../core/peers/ports.ts'
import { admitPeer } from '../../core/peers/register-peer.ts'
import { peerRegistrationFromWire } from '../../core/wire/peer-codec.ts'
import type { AppEnv } from './env.ts'
import { idParam, methodNotAllowed, readJson } from './middleware.ts'

/** What the peer registry's operator API needs: the registry, and a probe for base URLs being registered. */
export interface PeerAdminDeps {
  selfId: string
  peers: PeerRepository
  probe: PeerProbe
  probeTimeoutMs: number
}

/** Operator API for the peer registry: who this participant knows and how to reach them. */
export function peerAdminRoutes(deps: PeerAdminDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/admin/v1/peers', async (c) => c.json(await deps.peers.list()))
  app.all('/admin/v1/peers', methodNotAllowed(['GET']))

  app.put('/admin/v1/peers/:id', async (c) => {
    const id = idParam(c, 'id')
    const body = await readJson(c)
    const withId = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, id } : body
    const admitted = await admitPeer(deps, peerRegistrationFromWire(withId))
    const { peer } = admitted
    c.get('logger').info('PEER_REGISTERED', { peerId: peer.id, role: peer.role, protocol: peer.protocol, protocolSource: admitted.protocolSource, reachable: admitted.reachable })
    return c.json({ ...peer, reachable: admitted.reachable, protocolSource: admitted.protocolSource, probe: admitted.probe })
  })
  app.get('/admin/v1/peers/:id', async (c) => {
    const id = idParam(c, 'id')
    const peer = await deps.peers.get(id)
    if (!peer) throw new NotFoundError('Peer', id)
    return c.json(peer)
  })
  app.delete('/admin/v1/peers/:id', async (c) => {
    await deps.peers.delete(idParam(c, 'id'))
    return c.body(null, 204)
  })
  app.all('/admin/v1/peers/:id', methodNotAllowed(['GET', 'PUT', 'DELETE']))
  return app
}
