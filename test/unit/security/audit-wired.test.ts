import { describe, expect, it } from 'vitest'
import { createInMemoryParticipant } from '../../support/in-memory-participant.ts'

describe('audit wired', () => {
  it('records a refused publication and lists it', async () => {
    const p = await createInMemoryParticipant({ role: 'supernode' })
    const res = await p.request('PUT', '/rear/v1/publications/nobody', { flavors: [] })
    expect(res.status).toBe(403)
    const listed = await p.request('GET', '/admin/v1/audit')
    expect(listed.body.entries).toEqual([expect.objectContaining({ method: 'PUT', path: '/rear/v1/publications/nobody', status: 403 })])
    const doc = await p.request('GET', '/openapi.json')
    expect(Object.keys(doc.body.paths)).toContain('/admin/v1/audit')
  })
})
