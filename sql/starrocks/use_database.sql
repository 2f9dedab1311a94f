-- Every statement of a session after this names tables of the target database ({{database}}).
USE {{database}}
