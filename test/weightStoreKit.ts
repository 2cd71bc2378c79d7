// Test kit: a fresh, empty weight store per call, in fake-indexeddb (import 'fake-indexeddb/auto' first).
import { createStore } from 'idb-keyval';
import { WeightStore } from '../src/models/weightStore';

let count = 0;

export const freshWeightStore = () => new WeightStore(createStore(`weights-test-${count++}-${Math.random()}`, 'weights'));
