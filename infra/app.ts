#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildSaba } from './saba-app.ts';

const app = new App();
buildSaba(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
