import { describe, expect, it } from 'vitest'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

type Answer = { status: number; body?: unknown } | 'refused'

const REGISTRATION = { role: 'supernode', domain: 'consumer.local', baseUrl: 'http://peer.test' }

describe('PUT /admin/v1/peers/{id}', () => {
  it('finds a rear-cloud peer by its /healthz when no protocol is given, and says so', async () => {
    const { request, asked } = await setup({ '/healthz': { status: 200, body: { status: 'ok', role: 'supernode', participant: 'consumer-supernode' } } })
    const res = await request('PUT', '/admin/v1/peers/consumer-supernode', REGISTRATION)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: 'consumer-supernode', protocol: 'rear-cloud', protocolSource: 'probed', reachable: true })
    expect(asked).toContain('http://peer.test/healthz')
    expect((await request('GET', '/admin/v1/peers/consumer-supernode')).body).toMatchObject({ protocol: 'rear-cloud' })
  })

  it('finds a FLUIDOS Go node by its flavour list when /healthz is not there', async () => {
    const { request } = await setup({ '/healthz': { status: 404 }, '/api/v2/flavors': { status: 204 } })
    const res = await request('PUT', '/admin/v1/peers/go-node', { ...REGISTRATION, role: 'node' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ protocol: 'fluidos-go', protocolSource: 'probed', reachable: true })
  })

  it('refuses a base URL that answers as neither when no protocol is given, and stores nothing', async () => {
    const { request } = await setup({ '/healthz': 'refused', '/api/v2/flavors': 'refused' })
    const res = await request('PUT', '/admin/v1/peers/consumer-supernode', REGISTRATION)
    expect(res.status).toBe(502)
    expect(res.body).toMatchObject({ code: 'PEER_UNREACHABLE', message: expect.stringContaining('protocol') })
    expect((await request('GET', '/admin/v1/peers/consumer-supernode')).status).toBe(404)
  })

  it('stores a peer with an explicit protocol that does not answer, and reports it unreachable', async () => {
    const { request, asked } = await setup({ '/api/v2/flavors': { status: 503 } })
    const res = await request('PUT', '/admin/v1/peers/go-node', { ...REGISTRATION, role: 'node', protocol: 'fluidos-go' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ protocol: 'fluidos-go', protocolSource: 'given', reachable: false, probe: expect.stringContaining('503') })
    expect(asked).toEqual(['http://peer.test/api/v2/flavors'])
    expect((await request('GET', '/admin/v1/peers/go-node')).status).toBe(200)
  })

  it('refuses a base URL that answers as another participant or role', async () => {
    const { request } = await setup({ '/healthz': { status: 200, body: { status: 'ok', role: 'catalog', participant: 'catalog' } } })
    const res = await request('PUT', '/admin/v1/peers/consumer-supernode', { ...REGISTRATION, protocol: 'rear-cloud' })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'INVALID_PEER', message: expect.stringContaining('catalog') })
  })

  it.each(['a%23b', 'x'.repeat(300), 'a%2Fb'])('refuses the peer id %s before asking anyone, storing nothing', async (id) => {
    const { request, asked, peers } = await setup({})
    const res = await request('PUT', `/admin/v1/peers/${id}`, { ...REGISTRATION, protocol: 'rear-cloud' })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'INVALID_PATH_PARAMETER' })
    expect(asked).toEqual([])
    expect(peers.peers.size).toBe(0)
  })

  it('refuses a domain that is not well-formed text', async () => {
    const { request } = await setup({})
    const res = await request('PUT', '/admin/v1/peers/consumer-supernode', { ...REGISTRATION, domain: 'bad\ud800', protocol: 'rear-cloud' })
    expect(res.status).toBe(400)
  })

  async function setup(answers: Record<string, Answer>) {
    const asked: string[] = []
    const fetch = (async (input: string | URL | Request) => {
      const url = String(input)
      asked.push(url)
      const answer = answers[new URL(url).pathname] ?? { status: 404 }
      if (answer === 'refused') throw new TypeError('fetch failed: connect ECONNREFUSED')
      return answer.body === undefined ? new Response(null, { status: answer.status }) : Response.json(answer.body, { status: answer.status })
    }) as typeof globalThis.fetch
    const participant = await createInMemoryParticipant({ fetch })
    return { ...participant, asked }
  }
})
