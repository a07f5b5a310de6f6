import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../main/config/policy.js';
import { policyFromOutputsFile, PolicyOutputError } from './policyOutputs.js';

/** What `cdk deploy --all --outputs-file cdk-outputs.json` writes. */
const deployed = {
  AtriumSecurity: {},
  AtriumImaging: {
    AtriumRegion: 'eu-west-1',
    AtriumHealthImagingDatastoreId: '0123456789abcdef0123456789abcdef',
    AtriumEventBusName: 'atrium-events',
  },
  AtriumCodingModel: {
    AtriumSageMakerEndpointName: 'atrium-coding',
    AtriumTrainingPipelineName: 'atrium-coding-training',
  },
  AtriumDesktopAccess: { AtriumDesktopRoleArn: 'arn:aws:iam::123456789012:role/atrium-desktop-user' },
};

describe('policy from deployment outputs', () => {
  it('fills the four desktop keys and validates against the desktop schema', () => {
    const policy = policyFromOutputsFile(JSON.stringify(deployed), 'cdk-outputs.json');
    expect(policy).toEqual({
      enforced: {
        'aws.region': 'eu-west-1',
        'aws.healthImaging.datastoreId': '0123456789abcdef0123456789abcdef',
        'aws.eventBridge.busName': 'atrium-events',
        'aws.sagemaker.endpointName': 'atrium-coding',
      },
    });
    expect(parsePolicy(JSON.stringify(policy), 'generated').enforced).toEqual(policy.enforced);
  });

  it('rejects values the desktop would reject, and outputs without a region', () => {
    const badId = structuredClone(deployed);
    badId.AtriumImaging.AtriumHealthImagingDatastoreId = 'not-a-datastore';
    expect(() => policyFromOutputsFile(JSON.stringify(badId), 'x')).toThrow(/AtriumHealthImagingDatastoreId.*invalid value/);
    expect(() => policyFromOutputsFile(JSON.stringify({ AtriumCodingModel: deployed.AtriumCodingModel }), 'x')).toThrow(PolicyOutputError);
    expect(() => policyFromOutputsFile('{', 'x')).toThrow(/not valid JSON/);
    expect(() => policyFromOutputsFile('[1]', 'x')).toThrow(/not a cdk outputs file/);
  });
});
