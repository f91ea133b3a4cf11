// SiteCase's expressions are Python (checked by the server's sandbox), never FEEL: the panel's
// FEEL editors (CodeMirror with the FEEL grammars) are left out of the bundle. An entry that
// would open one fails loudly instead of silently editing in the wrong language.
function refuse() { throw new Error("SiteCase 不使用 FEEL 表达式编辑器。"); }
export default function Editor() { refuse(); }
export function FeelersEditor() { refuse(); }
