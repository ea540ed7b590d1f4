import type { TestProject } from 'vitest/node'
import { startEmulators } from '../../local/emulators.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string
    sqsEndpoint: string
  }
}

export default async function setup(project: TestProject) {
  const emulators = await startEmulators()
  project.provide('dynamoEndpoint', emulators.dynamoEndpoint)
  project.provide('sqsEndpoint', emulators.sqsEndpoint)
  return () => emulators.stop()
}
