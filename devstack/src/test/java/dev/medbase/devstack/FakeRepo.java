package dev.medbase.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import dev.medbase.devstack.fake.FakeService;

/** A repo root with {@code <module>/target/<module>.jar} for every service, each a {@link FakeService} program. */
final class FakeRepo {

    private FakeRepo() {
    }

    static Path create(Path root, Map<Service, Class<?>> overrides) throws IOException {
        Map<Service, Class<?>> mains = new EnumMap<>(Service.class);
        for (Service s : Service.values()) {
            mains.put(s, s.isGateway() ? FakeService.Gateway.class : FakeService.class);
        }
        mains.putAll(overrides);
        for (Service s : Service.values()) {
            writeJar(root.resolve(s.module()).resolve("target").resolve(s.module() + ".jar"), mains.get(s));
        }
        return root;
    }

    static void writeJar(Path jar, Class<?> main) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
        Path classes = classesRoot();
        Path fakePackage = classes.resolve(FakeService.class.getPackageName().replace('.', '/'));
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             Stream<Path> classFiles = Files.list(fakePackage)) {
            for (Path classFile : classFiles.filter(p -> p.toString().endsWith(".class")).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(classFile).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(classFile));
                out.closeEntry();
            }
        }
    }

    private static Path classesRoot() {
        try {
            return Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<ProcessHandle> liveDescendants() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    }
}
