// Every scenario of the accuracy corpus.
import type { Scenario } from '../harness';
import { scenarios as basic } from './basic';
import { scenarios as edits } from './edits';
import { scenarios as events } from './events';
import { scenarios as finish } from './finish';
import { scenarios as flows } from './flows';
import { scenarios as moved } from './moved';

export const corpus: readonly Scenario[] = [...basic, ...moved, ...edits, ...events, ...finish, ...flows];
