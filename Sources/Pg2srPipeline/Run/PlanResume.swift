// A resumed run keeps the chunks (and so the labels) its run record holds.
import Pg2srModel
import Pg2srSupport

extension SeedPlan {
    /// This plan with the chunks, target tables and keys of `previous`: a resumed run loads
    /// exactly the chunks it planned first. The selection and the columns must not have changed.
    func keepingChunks(of previous: SeedPlan) throws -> SeedPlan {
        var plan = self
        for index in plan.tables.indices {
            guard let old = previous.tables.first(where: { $0.source == plan.tables[index].source }) else {
                throw Pg2srError.usage("table \(plan.tables[index].source) was not part of the run being resumed; resume with the original selection")
            }
            guard old.columns == plan.tables[index].columns else {
                throw Pg2srError.source("table \(old.source) changed since the run started (columns differ); start a new run")
            }
            plan.tables[index].chunks = old.chunks
            plan.tables[index].targetTable = old.targetTable
            plan.tables[index].keyColumns = old.keyColumns
        }
        return plan
    }
}
