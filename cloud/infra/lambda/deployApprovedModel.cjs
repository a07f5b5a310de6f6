// Deploys an approved model package to the Atrium coding endpoint. Inlined into the Lambda function by the
// coding model stack (Node.js 22 runtime, AWS SDK v3 from the runtime). Triggered by the EventBridge event
// "SageMaker Model Package State Change" with ModelApprovalStatus = Approved.
'use strict';

/** SageMaker names: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ */
function sageMakerName(prefix, version, now) {
  const stamp = now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
  return `${prefix}-v${version}-${stamp}`.slice(0, 63).replace(/-+$/, '');
}

/** The three SageMaker requests that move the endpoint to the approved package; null when not for us. */
function planDeployment(detail, env, now) {
  if (!detail || detail.ModelApprovalStatus !== 'Approved') return null;
  if (detail.ModelPackageGroupName !== env.MODEL_PACKAGE_GROUP) return null;
  const arn = String(detail.ModelPackageArn || '');
  const version = /\/(\d+)$/.exec(arn);
  if (!version) throw new Error(`Not a versioned model package ARN: ${arn}`);
  const name = sageMakerName(env.NAME_PREFIX, version[1], now);
  return {
    model: {
      ModelName: name,
      ExecutionRoleArn: env.MODEL_ROLE_ARN,
      PrimaryContainer: { ModelPackageName: arn },
      VpcConfig: { Subnets: env.SUBNET_IDS.split(','), SecurityGroupIds: env.SECURITY_GROUP_IDS.split(',') },
      EnableNetworkIsolation: true,
    },
    endpointConfig: {
      EndpointConfigName: name,
      KmsKeyId: env.KMS_KEY_ARN,
      ProductionVariants: [
        {
          VariantName: env.VARIANT_NAME,
          ModelName: name,
          InstanceType: env.INSTANCE_TYPE,
          InitialInstanceCount: Number(env.MIN_INSTANCES),
          InitialVariantWeight: 1,
        },
      ],
    },
    // The variant keeps its name, so the autoscaling target keeps applying to it.
    update: { EndpointName: env.ENDPOINT_NAME, EndpointConfigName: name, RetainAllVariantProperties: false },
  };
}

async function handler(event) {
  const plan = planDeployment(event && event.detail, process.env, new Date());
  if (!plan) return { deployed: false };
  const sm = require('@aws-sdk/client-sagemaker');
  const client = new sm.SageMakerClient({});
  await client.send(new sm.CreateModelCommand(plan.model));
  await client.send(new sm.CreateEndpointConfigCommand(plan.endpointConfig));
  await client.send(new sm.UpdateEndpointCommand(plan.update));
  return { deployed: true, endpointConfigName: plan.update.EndpointConfigName };
}

module.exports = { handler, planDeployment, sageMakerName };
