// Alarm wiring that YAML cannot express, resolved by osls while it reads serverless.yml (`${file(infra/alarms.cjs):…}`):
//   actions           where every alarm notifies; refuses a stage whose alarms would reach no one
//   functionAlarms    an Errors and a Throttles alarm for every function in serverless.yml
//   emailSubscription the alarm topic's e-mail subscription, only when `alarmEmail` is set
// CommonJS because osls loads `file()` sources with require().
'use strict';

const PERIOD_SECONDS = 300;

/** osls's logical id prefix of a function (naming.getNormalizedFunctionName). */
function normalizedName(functionName) {
  const name = functionName.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** An Error that osls prints as its message alone (it prints `stack` when there is one). */
class AlarmTargetError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AlarmTargetError';
    this.stack = message;
  }
}

async function settings(resolveVariable) {
  const text = async (variable) => String((await resolveVariable(variable)) ?? '').trim();
  return {
    service: await text('self:service'),
    stage: await text('sls:stage'),
    alarms: await text('param:alarms'),
    email: await text('param:alarmEmail'),
    topicArn: await text('param:alarmTopicArn'),
  };
}

async function actions({ resolveVariable }) {
  const { stage, alarms, email, topicArn } = await settings(resolveVariable);
  if (alarms !== 'on' && alarms !== 'off') {
    throw new AlarmTargetError(`The "alarms" param must be "on" or "off", not "${alarms}".`);
  }
  if (alarms === 'on' && email === '' && topicArn === '') {
    throw new AlarmTargetError(
      `Alarms of stage "${stage}" would notify no one: set --param='alarmEmail=<address>' (subscribed to the ` +
        `alarm topic) and/or --param='alarmTopicArn=<existing SNS topic ARN>', or say --param='alarms=off'.`,
    );
  }
  if (topicArn !== '' && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(topicArn)) {
    throw new AlarmTargetError(`alarmTopicArn "${topicArn}" is not an SNS topic ARN.`);
  }
  return [{ Ref: 'AlarmTopic' }, ...(topicArn === '' ? [] : [topicArn])];
}

function functionAlarm(context, functionName, metric, description) {
  const suffix = metric.toLowerCase();
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${context.service}-${context.stage}-${functionName}-${suffix}`,
      AlarmDescription: `${functionName}: ${description} (runbook: docs/operations.md, "Function errors and throttles").`,
      Namespace: 'AWS/Lambda',
      MetricName: metric,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${normalizedName(functionName)}LambdaFunction` } }],
      Statistic: 'Sum',
      Period: PERIOD_SECONDS,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: context.actions,
      OKActions: context.actions,
    },
  };
}

async function functionAlarms({ resolveVariable, resolveConfigurationProperty }) {
  const context = {
    ...(await settings(resolveVariable)),
    // The validated list (custom.alarmActions), so that a missing target is reported once.
    actions: await resolveVariable('self:custom.alarmActions'),
  };
  const functionNames = Object.keys((await resolveConfigurationProperty(['functions'])) ?? {});
  const Resources = {};
  for (const name of functionNames) {
    const prefix = normalizedName(name);
    Resources[`${prefix}ErrorsAlarm`] = functionAlarm(
      context,
      name,
      'Errors',
      'invocations failed (crash at init, timeout, or an error the handler did not turn into a response)',
    );
    Resources[`${prefix}ThrottlesAlarm`] = functionAlarm(
      context,
      name,
      'Throttles',
      'invocations were throttled (account or function concurrency exhausted)',
    );
  }
  return { Resources };
}

async function emailSubscription({ resolveVariable }) {
  const { email } = await settings(resolveVariable);
  if (email === '') return {};
  return {
    Resources: {
      AlarmEmailSubscription: {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: email },
      },
    },
  };
}

module.exports = { actions, functionAlarms, emailSubscription };
