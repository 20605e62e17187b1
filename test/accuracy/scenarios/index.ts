// Every scenario of the accuracy corpus.
import type { Scenario } from '../harness';
import { scenarios as basic } from './basic';
import { scenarios as finish } from './finish';

export const corpus: readonly Scenario[] = [...basic, ...finish];
