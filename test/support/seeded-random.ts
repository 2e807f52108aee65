/** The fixtures' seeded PRNG lives in core (the tuner draws from it too); tests keep importing it from here. */
export { seededRandom } from '../../core/seeded-random.js';
