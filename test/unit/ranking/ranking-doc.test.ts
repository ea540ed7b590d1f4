import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RANKING_TERMS } from '../../../core/intents/rank-candidates.ts'

describe('the ranking table', () => {
  it('has weights summing to 1', () => {
    expect(RANKING_TERMS.reduce((sum, t) => sum + t.weight, 0)).toBeCloseTo(1, 10)
  })

  it('is in docs/ranking.md as in the code', () => {
    const doc = readFileSync(new URL('../../../docs/ranking.md', import.meta.url), 'utf8')
    const rows = RANKING_TERMS.map((t) => `| \`${t.name}\` | ${t.weight.toFixed(2)} | ${t.rule} |`)
    expect(doc.split('\n').filter((line) => /^\| `/.test(line))).toEqual(rows)
  })

  it('is in the TSDoc of rankCandidates’ terms as in the code', () => {
    const source = readFileSync(new URL('../../../core/intents/rank-candidates.ts', import.meta.url), 'utf8')
    for (const t of RANKING_TERMS) expect(source).toMatch(new RegExp(`\\* \\| ${t.name} +\\| ${t.weight.toFixed(2)} +\\| `))
  })
})
