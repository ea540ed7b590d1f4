import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ARCHITECTURE_DOC, renderChainTable, withChainTable } from '../../../scripts/chain-table.ts'
import { HOP_TABLE } from '../../../core/chain/hop-machine.ts'

describe('the chain table in docs/architecture.md', () => {
  it('is the one rendered from the code (npm run docs:chain)', () => {
    const doc = readFileSync(ARCHITECTURE_DOC, 'utf8')
    expect(withChainTable(doc)).toBe(doc)
  })

  it('has one line per row of the table, readable on one screen', () => {
    expect(renderChainTable().split('\n')).toHaveLength(HOP_TABLE.length + 2)
    expect(HOP_TABLE.length).toBeLessThanOrEqual(40)
  })
})
