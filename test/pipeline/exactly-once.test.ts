import { describeKillTest, LOCAL_DIRECTORY } from '../helpers/kill-test';

describeKillTest(LOCAL_DIRECTORY);
