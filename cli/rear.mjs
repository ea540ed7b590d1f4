#!/usr/bin/env node
// The `rear` bin: registers tsx's ESM loader (a dev dependency, present after `npm ci`) and runs the TypeScript CLI.
import { register } from 'tsx/esm/api'

register()
await import('./main.ts')
