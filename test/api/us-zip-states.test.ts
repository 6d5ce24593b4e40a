/** US ZIP codes to states for Stripe Tax's location of a US address given by its ZIP code alone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stateOfZip } from '../../src/resources/tax-registrations/us-zip-states.js';

describe('US ZIP code to state', () => {
  it('locates ZIP codes and ZIP+4 codes by their three-digit prefix', () => {
    const cases: Array<[string, string]> = [
      ['94103', 'CA'], ['10001', 'NY'], ['60601', 'IL'], ['73301', 'TX'], ['73102', 'OK'], ['02108', 'MA'],
      ['05501', 'MA'], ['05401', 'VT'], ['20500', 'DC'], ['20101', 'VA'], ['98101-1234', 'WA'], ['99501', 'AK'],
      ['96813', 'HI'], ['88510', 'TX'], ['87501', 'NM'], ['33101', 'FL'], ['39901', 'GA'], [' 30301 ', 'GA'],
    ];
    for (const [zip, state] of cases) assert.equal(stateOfZip(zip), state, zip);
  });

  it('gives no state for military mail, territories and what is not a ZIP code', () => {
    for (const zip of ['09001', '34001', '96201', '00901', '96910', '1234', '941030', 'SW1A 1AA', '', 'abcde']) assert.equal(stateOfZip(zip), null, zip);
  });
});
