import Rights
