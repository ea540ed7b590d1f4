import { describe, expect, it } from 'vitest'
import { localSqsEndpoint } from '../../../local/local-aws.ts'

describe(localSqsEndpoint.name, () => {
  it.each([
    ['http://sqs.us-east-1.127.0.0.1:46737/000000000000/rear-provider-node-chain-dlq', { endpoint: 'http://127.0.0.1:46737', region: 'us-east-1' }],
    ['http://sqs.eu-west-1.localhost:4566/000000000000/q', { endpoint: 'http://localhost:4566', region: 'eu-west-1' }],
    ['http://127.0.0.1:9324/queue/q', { endpoint: 'http://127.0.0.1:9324', region: 'us-east-1' }],
    ['http://[::1]:9324/000000000000/q', { endpoint: 'http://[::1]:9324', region: 'us-east-1' }],
  ])('finds the emulator behind %s', (url, expected) => {
    expect(localSqsEndpoint(url)).toEqual(expected)
  })

  it.each([
    'https://sqs.eu-west-1.amazonaws.com/123456789012/ChainQueue',
    'http://sqs.us-east-1.127.0.0.1.example.com/0/q',
    'not a url',
  ])('leaves %s to AWS', (url) => {
    expect(localSqsEndpoint(url)).toBeUndefined()
  })
})
