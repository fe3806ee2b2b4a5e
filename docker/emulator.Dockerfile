# The Firebase Auth emulator, pinned by the repository's package-lock.json.
FROM node:20-bookworm-slim
WORKDIR /emulator
COPY package.json package-lock.json firebase.json ./
RUN npm ci --no-audit --no-fund && sed -i 's/"127.0.0.1"/"0.0.0.0"/' firebase.json
EXPOSE 9099
CMD ["npx", "--no-install", "firebase", "emulators:start", "--only", "auth", "--project", "demo-skillbook"]
