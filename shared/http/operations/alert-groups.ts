import { alertGroupSettingSchema } from '../../schemas/alert-group-settings.ts';
import { parseBody } from '../../schemas/parse.ts';
import {
  createAlertGroupSetting,
  deleteAlertGroupSetting,
  getAlertGroupSetting,
  listAlertGroupSettings,
  updateAlertGroupSetting,
} from '../../use-cases/monitoring/alert-group-settings.ts';
import {
  closeGroupOfSetting,
  getAlertGroup,
  listAlertGroups,
} from '../../use-cases/monitoring/alert-groups.ts';
import { json } from '../reply.ts';
import { type Operation, param } from './operation.ts';

export const alertGroupOperations = {
  listAlertGroupSettings: async (req, deps) =>
    json({ alertGroupSettings: await listAlertGroupSettings(deps, req.orgId) }),
  createAlertGroupSetting: async (req, deps) =>
    json(await createAlertGroupSetting(deps, req.orgId, parseBody(alertGroupSettingSchema, req.body()))),
  getAlertGroupSetting: async (req, deps) =>
    json(await getAlertGroupSetting(deps, req.orgId, param(req, 'settingId'))),
  updateAlertGroupSetting: async (req, deps) =>
    json(
      await updateAlertGroupSetting(
        deps,
        req.orgId,
        param(req, 'settingId'),
        parseBody(alertGroupSettingSchema, req.body()),
      ),
    ),
  /** Deleting a setting closes its open group (composed here: two use cases, one effect each). */
  deleteAlertGroupSetting: async (req, deps) => {
    const deleted = await deleteAlertGroupSetting(deps, req.orgId, param(req, 'settingId'));
    await closeGroupOfSetting(deps, req.orgId, deleted.id);
    return json(deleted);
  },
  listAlertGroups: async (req, deps) => json({ alertGroups: await listAlertGroups(deps, req.orgId) }),
  getAlertGroup: async (req, deps) => json(await getAlertGroup(deps, req.orgId, param(req, 'alertGroupId'))),
} satisfies Record<string, Operation>;
