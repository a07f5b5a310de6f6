/**
 * Data stack: S3 buckets for training data, model artifacts and access logs. All block public access,
 * require TLS, keep versions and expire after the 7-year retention period.
 */
import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { AtriumConfig } from './config.js';

/** 7 years, the retention the hospital's records policy asks for (HIPAA documentation: 6 years). */
export const RETENTION_DAYS = 2557;

export interface DataStackProps extends StackProps {
  config: AtriumConfig;
  dataKey: kms.IKey;
}

const REPLICATION_REASON =
  'Cross-region replication is a data-residency decision for each hospital; durability comes from S3 ' +
  '(11 nines), versioning and the 7-year noncurrent-version retention. Add a replication rule per deployment if required.';

function lifecycle(): s3.LifecycleRule[] {
  return [
    {
      id: 'retention-7y',
      enabled: true,
      expiration: Duration.days(RETENTION_DAYS),
      noncurrentVersionExpiration: Duration.days(RETENTION_DAYS),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
      transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) }],
    },
  ];
}

export class DataStack extends Stack {
  readonly accessLogsBucket: s3.Bucket;
  /** Exports from the warehouse (notes and final codes), verified imaging studies and training manifests. */
  readonly trainingDataBucket: s3.Bucket;
  /** Pipeline intermediates, model artifacts and evaluation reports. */
  readonly modelArtifactsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging only delivers to buckets encrypted with SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: lifecycle(),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason: 'S3 server access logging does not deliver to SSE-KMS buckets; this bucket uses SSE-S3 (AES-256) and holds no PHI, only request logs.',
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'HIPAA.Security-S3BucketLoggingEnabled',
      reason: 'This is the access-log destination; logging it into itself would loop. Access to it is recorded by CloudTrail.',
    });
    Validations.of(this.accessLogsBucket).acknowledge({ id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: REPLICATION_REASON });

    const secureBucket = (id: string, logPrefix: string): s3.Bucket => {
      const bucket = new s3.Bucket(this, id, {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: props.dataKey,
        bucketKeyEnabled: true,
        versioned: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        serverAccessLogsBucket: this.accessLogsBucket,
        serverAccessLogsPrefix: logPrefix,
        lifecycleRules: lifecycle(),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(bucket).acknowledge({ id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: REPLICATION_REASON });
      return bucket;
    };
    this.trainingDataBucket = secureBucket('TrainingData', 'training-data/');
    this.modelArtifactsBucket = secureBucket('ModelArtifacts', 'model-artifacts/');
  }
}
