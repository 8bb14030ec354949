#!/usr/bin/env node
/**
 * The `agent-tether` executable.
 * @module
 */
import { main } from './program.js';

void main(process.argv);
