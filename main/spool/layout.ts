// Where the spool keeps things, under the data folder:
//
//   <dataDir>/spool/
//     counter.json               cycle counter high-water mark {"version":1,"reserved":N}
//     quarantine/                records that failed to parse, moved aside, never read again
//     users/
//       .tmp-<random>            a document received before its owner was known (rare)
//       <user folder>/           one per owner: an injective, case-safe encoding (user-folder.ts)
//         <document>             named by the mode's PrintJobFileNameFormat (file-name.ts)
//         .tmp-<random>          a document being received
//         .jobs/
//           <id>.json            the job's metadata record (record.ts)
//           .tmp-<random>        a record being written
//
// Names starting with `.` belong to the spool; document names never start with one. All
// folders are created 0700 and files 0600: print jobs are private to their user.

import { join } from 'node:path';
import { RECORDS_FOLDER, RECORD_SUFFIX } from './record.js';
import { userFolderName } from './user-folder.js';

export class SpoolLayout {
  readonly root: string;
  readonly users: string;
  readonly quarantine: string;
  readonly counter: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'spool');
    this.users = join(this.root, 'users');
    this.quarantine = join(this.root, 'quarantine');
    this.counter = join(this.root, 'counter.json');
  }

  userDir(owner: string): string {
    return join(this.users, userFolderName(owner));
  }

  recordsDir(userDir: string): string {
    return join(userDir, RECORDS_FOLDER);
  }

  recordPath(userDir: string, id: string): string {
    return join(userDir, RECORDS_FOLDER, id + RECORD_SUFFIX);
  }
}
